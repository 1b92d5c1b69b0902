package io.vstack.workload.internal.command;

import io.vstack.api.disk.DiskManager;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the names of the filters attached to any disk (what {@code --at} takes). */
@Service
public class AttachedFilterCompleter implements Completer {

    @Reference
    DiskManager disks;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> names = disks.disks().stream().flatMap(d -> d.filters().stream()).map(f -> f.descriptor().name())
                .distinct().sorted().toList();
        return new StringsCompleter(names).complete(session, commandLine, candidates);
    }
}
