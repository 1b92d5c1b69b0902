package io.vstack.network.internal.command;

import io.vstack.api.net.NetworkProgrammer;
import io.vstack.network.internal.NetworkAdmin;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** {@code net:programmers}: the registered network programmers and the networks they serve. */
@Service
@Command(scope = "net", name = "programmers", description = "Lists the network programmers (whiteboard) and their networks")
public class ProgrammersCommand implements Action {

    @Reference
    BundleContext context;

    @Reference
    NetworkAdmin network;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() throws Exception {
        ShellTable table = new ShellTable().emptyTableText("No network programmers registered");
        table.column("Programmer");
        table.column("Bundle");
        table.column("Networks");
        Map<String, String> networks = network.networks();
        for (ServiceReference<NetworkProgrammer> ref : context.getServiceReferences(NetworkProgrammer.class, null)) {
            String name = String.valueOf(ref.getProperty(NetworkProgrammer.NAME_PROPERTY));
            String served = networks.entrySet().stream().filter(e -> e.getValue().equals(name)).map(Map.Entry::getKey)
                    .collect(Collectors.joining(","));
            if (name.equals(network.defaultProgrammer())) {
                served = served.isEmpty() ? "(default)" : served + ",(default)";
            }
            table.addRow().addContent(name, ref.getBundle().getSymbolicName(), served.isEmpty() ? "-" : served);
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
