package io.vstack.network.internal.command;

import io.vstack.network.internal.NetworkAdmin;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the IP addresses the datacenter controller's ENIs hold. */
@Service
public class AddressCompleter implements Completer {

    @Reference
    NetworkAdmin network;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(network.enis().stream().flatMap(e -> e.privateIps().stream()).sorted().toList()).complete(session, commandLine, candidates);
    }
}
