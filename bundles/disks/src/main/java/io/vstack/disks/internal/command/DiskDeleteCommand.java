package io.vstack.disks.internal.command;

import io.vstack.disks.internal.DiskAdmin;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code disk:delete}: deletes a disk, its store and its filters' state. */
@Service
@Command(scope = "disk", name = "delete", description = "Deletes a virtual disk with its data; refuses a disk in use unless --force")
public class DiskDeleteCommand implements Action {

    @Reference
    DiskAdmin disks;

    @Option(name = "--force", description = "Delete even if handles are open (their I/O fails from then on)")
    boolean force;

    @Argument(index = 0, name = "disk", description = "The disk", required = true)
    @Completion(DiskCompleter.class)
    String diskName;

    @Override
    public Object execute() throws Exception {
        disks.delete(diskName, force);
        System.out.println("Deleted disk " + diskName);
        return null;
    }
}
