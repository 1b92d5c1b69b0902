package io.vstack.memory.internal.command;

import io.vstack.api.memory.AddressSpace;
import io.vstack.api.memory.AddressSpaces;
import java.util.List;
import java.util.stream.Stream;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes address space names and the names of VMs running on one. */
@Service
public class SpaceCompleter implements Completer {

    @Reference
    AddressSpaces spaces;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<AddressSpace> all = spaces.list();
        List<String> names = Stream.concat(all.stream().map(AddressSpace::name), all.stream().map(Spaces::shortName))
                .distinct().toList();
        return new StringsCompleter(names).complete(session, commandLine, candidates);
    }
}
