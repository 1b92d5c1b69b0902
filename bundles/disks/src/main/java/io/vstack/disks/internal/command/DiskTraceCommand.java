package io.vstack.disks.internal.command;

import io.vstack.api.UserText;
import io.vstack.disks.internal.DiskAdmin;
import io.vstack.disks.internal.DiskAdmin.LinkHop;
import io.vstack.disks.internal.DiskAdmin.LinkTrace;
import java.util.List;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code disk:trace <disk>}: the hops of the disk's recent redirected requests (linked storage), with per-hop latency. */
@Service
@Command(scope = "disk", name = "trace",
        description = "Shows the hops of a disk's recent redirected requests (linked storage) with each hop's latency")
public class DiskTraceCommand implements Action {

    @Reference
    DiskAdmin disks;

    @Argument(index = 0, name = "disk", description = "The disk whose filter redirected the requests", required = true)
    @Completion(DiskCompleter.class)
    String diskName;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        if (disks.disk(diskName).isEmpty()) {
            throw new IllegalArgumentException("no disk named " + UserText.quote(diskName) + "; disk:list shows the disks");
        }
        List<LinkTrace> traces = disks.linkTraces(diskName);
        ShellTable table = new ShellTable().emptyTableText("No redirected requests on disk " + diskName);
        table.column("Request").alignRight();
        table.column("Op");
        table.column("Offset").alignRight();
        table.column("Hop").alignRight();
        table.column("From");
        table.column("To");
        table.column("Filter");
        table.column("Latency us").alignRight();
        table.column("Result");
        for (LinkTrace trace : traces) {
            String result = trace.error() == null ? "ok" : trace.error();
            if (trace.hops().isEmpty()) {
                table.addRow().addContent(trace.sequence(), op(trace), trace.offset(), "-", "-", "-", "-", "-", result);
            }
            for (int i = 0; i < trace.hops().size(); i++) {
                LinkHop hop = trace.hops().get(i);
                table.addRow().addContent(trace.sequence(), op(trace), trace.offset(), i + 1, hop.from(), hop.to(),
                        hop.filter().isEmpty() ? "(top)" : hop.filter(), String.format(Locale.ROOT, "%.1f", hop.nanos() / 1000.0),
                        i == 0 ? result : "");
            }
        }
        table.print(System.out, !noFormat);
        return null;
    }

    private static String op(LinkTrace trace) {
        return trace.op().name().toLowerCase(Locale.ROOT);
    }
}
