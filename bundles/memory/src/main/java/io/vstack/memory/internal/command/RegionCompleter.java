package io.vstack.memory.internal.command;

import io.vstack.api.memory.HandleBroker;
import io.vstack.api.memory.MemoryRegion;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes memory region ids. */
@Service
public class RegionCompleter implements Completer {

    @Reference
    HandleBroker broker;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(broker.regions().stream().map(MemoryRegion::id).toList())
                .complete(session, commandLine, candidates);
    }
}
