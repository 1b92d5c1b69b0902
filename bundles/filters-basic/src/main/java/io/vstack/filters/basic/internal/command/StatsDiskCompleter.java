package io.vstack.filters.basic.internal.command;

import io.vstack.filters.basic.internal.stats.StatsBoard;
import io.vstack.filters.basic.internal.stats.StatsFilter;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the ids of disks that have the stats filter attached. */
@Service
public class StatsDiskCompleter implements Completer {

    @Reference
    StatsBoard board;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(board.attached().stream().map(StatsFilter::diskId).toList())
                .complete(session, commandLine, candidates);
    }
}
