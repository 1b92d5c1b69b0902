package io.vstack.network.internal.command;

import io.vstack.network.internal.VnicService;
import io.vstack.network.internal.VnicStats;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code net:vnic-list}: every running VM's vNIC, its coalescing and counters. */
@Service
@Command(scope = "net", name = "vnic-list", description = "Lists the VMs' vNICs with their coalescing settings and frame, doorbell and interrupt counters")
public class VnicListCommand implements Action {

    @Reference
    VnicService vnics;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable().emptyTableText("No vNICs: every running VM gets one");
        table.column("VM");
        table.column("Host");
        table.column("MAC");
        table.column("Coalescing");
        table.column("Clustering");
        table.column("Sent").alignRight();
        table.column("Received").alignRight();
        table.column("Doorbells").alignRight();
        table.column("Interrupts").alignRight();
        table.column("RX ring full").alignRight();
        for (VnicService.VnicView v : vnics.list()) {
            VnicStats s = v.stats();
            table.addRow().addContent(v.vm(), v.host(), v.mac(), v.settings(), v.clustering() ? "on" : "off", s.sent(), s.received(),
                    s.doorbells(), s.interrupts(), s.rxFull());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
