package io.vstack.network.internal.command;

import io.vstack.network.internal.TrafficProbes;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code net:probe-list}: the running traffic probes. */
@Service
@Command(scope = "net", name = "probe-list", description = "Lists the running traffic probes and what they saw")
public class ProbeListCommand implements Action {

    @Reference
    TrafficProbes probes;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable().emptyTableText("No probes: net:probe starts one");
        table.column("Probe");
        table.column("VM");
        table.column("From");
        table.column("To");
        table.column("Period µs").alignRight();
        table.column("Sent").alignRight();
        table.column("Delivered").alignRight();
        table.column("Dropped").alignRight();
        table.column("Longest gap µs").alignRight();
        table.column("Host");
        for (TrafficProbes.ProbeStatus s : probes.list()) {
            table.addRow().addContent(s.id(), s.vm(), s.srcIp(), s.dstIp(), s.period().toNanos() / 1000, s.sent(), s.delivered(),
                    s.dropped(), s.longestGapNanos() / 1000, s.lastHost().orElse("-"));
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
