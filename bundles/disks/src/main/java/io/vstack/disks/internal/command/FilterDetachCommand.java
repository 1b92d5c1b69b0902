package io.vstack.disks.internal.command;

import io.vstack.disks.internal.DiskAdmin;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code filter:detach <disk> <filter>}. */
@Service
@Command(scope = "filter", name = "detach", description = "Detaches an I/O filter from a disk after its in-flight requests finish "
        + "(new I/O waits meanwhile); refused after filterTimeout + 0.5 s if the filter still holds requests, unless --force")
public class FilterDetachCommand implements Action {

    @Reference
    DiskAdmin disks;

    @Argument(index = 0, name = "disk", description = "The disk", required = true)
    @Completion(DiskCompleter.class)
    String diskName;

    @Argument(index = 1, name = "filter", description = "The filter", required = true)
    @Completion(FilterCompleter.class)
    String filterName;

    @Option(name = "--force", description = "Detach even if the filter still holds requests at the deadline (they fail)")
    boolean force;

    @Override
    public Object execute() {
        disks.detach(diskName, filterName, force);
        System.out.println("Detached filter " + filterName + " from disk " + diskName);
        return null;
    }
}
