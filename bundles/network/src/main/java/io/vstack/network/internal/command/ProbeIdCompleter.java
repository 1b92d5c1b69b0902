package io.vstack.network.internal.command;

import io.vstack.network.internal.TrafficProbes;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the ids of the running traffic probes. */
@Service
public class ProbeIdCompleter implements Completer {

    @Reference
    TrafficProbes probes;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(probes.list().stream().map(TrafficProbes.ProbeStatus::id).toList()).complete(session, commandLine, candidates);
    }
}
