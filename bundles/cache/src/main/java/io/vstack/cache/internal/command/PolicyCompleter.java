package io.vstack.cache.internal.command;

import io.vstack.api.cache.EvictionPolicyFactory;
import io.vstack.cache.internal.sim.TraceSimulator;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes eviction policy names. */
@Service
public class PolicyCompleter implements Completer {

    @Reference
    TraceSimulator simulator;

    @Override
    public int complete(Session session, CommandLine line, List<String> candidates) {
        return new StringsCompleter(simulator.policies().stream().map(EvictionPolicyFactory::name).toList())
                .complete(session, line, candidates);
    }
}
