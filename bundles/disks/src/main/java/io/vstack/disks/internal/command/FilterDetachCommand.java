package io.vstack.disks.internal.command;

import io.vstack.disks.internal.DiskAdmin;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code filter:detach <disk> <filter>}. */
@Service
@Command(scope = "filter", name = "detach", description = "Detaches an I/O filter from a disk after its in-flight requests finish")
public class FilterDetachCommand implements Action {

    @Reference
    DiskAdmin disks;

    @Argument(index = 0, name = "disk", description = "The disk", required = true)
    @Completion(DiskCompleter.class)
    String diskName;

    @Argument(index = 1, name = "filter", description = "The filter", required = true)
    @Completion(FilterCompleter.class)
    String filterName;

    @Override
    public Object execute() {
        disks.detach(diskName, filterName);
        System.out.println("Detached filter " + filterName + " from disk " + diskName);
        return null;
    }
}
