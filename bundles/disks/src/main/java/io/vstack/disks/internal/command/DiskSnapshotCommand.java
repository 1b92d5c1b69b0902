package io.vstack.disks.internal.command;

import io.vstack.disks.internal.DiskAdmin;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code disk:snapshot <disk> <name>}: freezes a disk's content as a read-only disk; the disk goes on over it. */
@Service
@Command(scope = "disk", name = "snapshot", description = "Freezes a disk's content as a new read-only disk; the disk keeps its id, "
        + "handles and filters and goes on as an empty differencing disk over the snapshot")
public class DiskSnapshotCommand implements Action {

    @Reference
    DiskAdmin disks;

    @Argument(index = 0, name = "disk", description = "The disk", required = true)
    @Completion(DiskCompleter.class)
    String diskName;

    @Argument(index = 1, name = "snapshot", description = "The snapshot's name (a new disk)", required = true)
    String snapshotName;

    @Override
    public Object execute() throws Exception {
        disks.snapshot(diskName, snapshotName);
        System.out.println("Snapshot " + snapshotName + " of disk " + diskName + ": " + diskName + " now reads through to "
                + snapshotName + " (chain " + String.join(" -> ", disks.chain(diskName)) + ")");
        return null;
    }
}
