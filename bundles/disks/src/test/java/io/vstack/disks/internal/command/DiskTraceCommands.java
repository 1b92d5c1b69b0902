package io.vstack.disks.internal.command;

import io.vstack.api.testing.SystemOut;
import io.vstack.disks.internal.DiskAdmin;

/** Runs {@code disk:trace} for tests outside the command package (linked storage's, which have real traces). */
public final class DiskTraceCommands {

    private DiskTraceCommands() {
    }

    /** What {@code disk:trace --no-format <disk>} prints; throws what it throws. */
    public static String run(DiskAdmin disks, String disk) throws Exception {
        DiskTraceCommand command = new DiskTraceCommand();
        command.disks = disks;
        command.diskName = disk;
        command.noFormat = true;
        return SystemOut.capture(command::execute);
    }
}
