package io.vstack.disks.internal.command;

import io.vstack.api.disk.DiskOwners;
import io.vstack.api.disk.OwnerRecord;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code disk:release <disk>}: the owner lets the disk go (fenced, drained, flushed, recorded). */
@Service
@Command(scope = "disk", name = "release", description = "The owner lets a disk go: its writes are fenced, in-flight I/O "
        + "drains, the disk is flushed and the release recorded; the next disk:acquire takes it at once")
public class DiskReleaseCommand implements Action {

    @Reference
    DiskOwners owners;

    @Argument(index = 0, name = "disk", description = "The disk", required = true)
    @Completion(DiskCompleter.class)
    String diskName;

    @Override
    public Object execute() throws Exception {
        OwnerRecord r = owners.release(diskName);
        System.out.println("Disk " + diskName + ": released by " + r.host() + " at epoch " + r.epoch()
                + " (flushed); the next owner takes epoch " + (r.epoch() + 1));
        return null;
    }
}
