package io.vstack.disks.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.filter.FilterAttachment;
import io.vstack.disks.internal.DiskAdmin;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code disk:list}: the virtual disks, one row each. */
@Service
@Command(scope = "disk", name = "list", description = "Lists the virtual disks")
public class DiskListCommand implements Action {

    @Reference
    DiskAdmin disks;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable().emptyTableText("No disks: disk:create <name> makes one");
        table.column("Name");
        table.column("Size").alignRight();
        table.column("Block").alignRight();
        table.column("Backend");
        table.column("Owner");
        table.column("Parent");
        table.column("Handles").alignRight();
        table.column("Filters");
        disks.disks().forEach(d -> table.addRow().addContent(d.id(), ByteSize.ofBytes(d.capacity()).toString(), d.blockSize(),
                d.backend(), d.owner(), d.parent().orElse("-"), d.openHandles(), d.filters().isEmpty() ? "-" : d.filters().stream()
                        .map(DiskListCommand::describe).collect(Collectors.joining(","))));
        table.print(System.out, !noFormat);
        for (String error : disks.loadErrors()) {
            System.out.println("not loaded: " + error);
        }
        return null;
    }

    static String describe(FilterAttachment a) {
        return a.descriptor().name() + (a.active() ? "" : "(inactive)");
    }
}
