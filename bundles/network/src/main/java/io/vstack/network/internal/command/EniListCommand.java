package io.vstack.network.internal.command;

import io.vstack.network.internal.Eni;
import io.vstack.network.internal.NetworkAdmin;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code net:eni-list}: the controller's ENIs. */
@Service
@Command(scope = "net", name = "eni-list", description = "Lists the ENIs of the simulated datacenter controller")
public class EniListCommand implements Action {

    @Reference
    NetworkAdmin network;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable().emptyTableText("No ENIs: VMs with --nic get one when they start");
        table.column("ENI");
        table.column("Network");
        table.column("Private IPs");
        table.column("Host");
        table.column("Instance");
        table.column("Attachment");
        table.column("Generation").alignRight();
        for (Eni e : network.enis()) {
            table.addRow().addContent(e.id(), e.network(), e.privateIps().isEmpty() ? "-" : String.join(",", e.privateIps()),
                    e.attachedHost().orElse("-"), e.instance().orElse("-"), e.attachmentId().orElse("-"), e.generation());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
