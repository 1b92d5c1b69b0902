package io.vstack.memory.internal.command;

import io.vstack.api.memory.HandleBroker;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the ids of grants that are not revoked. */
@Service
public class GrantCompleter implements Completer {

    @Reference
    HandleBroker broker;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(broker.grants().stream().filter(g -> !g.revoked()).map(g -> g.grant().id()).toList())
                .complete(session, commandLine, candidates);
    }
}
