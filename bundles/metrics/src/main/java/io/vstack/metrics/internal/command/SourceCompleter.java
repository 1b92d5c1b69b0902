package io.vstack.metrics.internal.command;

import io.vstack.metrics.internal.MetricsCollector;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes metric source names. */
@Service
public class SourceCompleter implements Completer {

    @Reference
    MetricsCollector collector;

    @Override
    public int complete(Session session, CommandLine line, List<String> candidates) {
        return new StringsCompleter(collector.names()).complete(session, line, candidates);
    }
}
