package io.vstack.disks.internal.command;

import io.vstack.api.Durations;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.disks.internal.DiskAdmin;
import io.vstack.disks.internal.DiskAdmin.FilterReport;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code filter:list}: the filters that can be attached, and where filters are attached. */
@Service
@Command(scope = "filter", name = "list", description = "Lists the I/O filters that can be attached and where filters are attached")
public class FilterListCommand implements Action {

    @Reference
    DiskAdmin disks;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        PrintStream out = System.out;
        List<FilterReport> reports = disks.filterReports();
        ShellTable factories = new ShellTable().emptyTableText("No filters available: install or drop a filter bundle into deploy/");
        factories.column("Filter");
        factories.column("Class");
        factories.column("Rank").alignRight();
        factories.column("Description");
        factories.column("Attached to");
        for (FilterDescriptor d : disks.availableFilters()) {
            String where = reports.stream().filter(r -> r.filter().equals(d.name())).map(FilterReport::disk)
                    .collect(Collectors.joining(","));
            factories.addRow().addContent(d.name(), d.filterClass(), d.rank(), d.description(), where.isEmpty() ? "-" : where);
        }
        factories.print(out, !noFormat);
        if (reports.isEmpty()) {
            return null;
        }
        ShellTable attachments = new ShellTable();
        attachments.column("Disk");
        attachments.column("Filter");
        attachments.column("State");
        attachments.column("On missing");
        attachments.column("Requests").alignRight();
        attachments.column("Failures").alignRight();
        attachments.column("Held too long");
        attachments.column("Last error");
        for (FilterReport r : reports) {
            attachments.addRow().addContent(r.disk(), r.filter(), DiskInfoCommand.state(r.active(), r.onMissing()),
                    r.onMissing(), r.requests(), r.failures(), r.longestHeldNanos() == 0 ? "-"
                            : "held a request " + Durations.format(Duration.ofNanos(r.longestHeldNanos()))
                            + " (timeout " + Durations.format(disks.filterTimeout()) + ")",
                    r.lastError() == null ? "-" : r.lastError());
        }
        out.println();
        attachments.print(out, !noFormat);
        return null;
    }
}
