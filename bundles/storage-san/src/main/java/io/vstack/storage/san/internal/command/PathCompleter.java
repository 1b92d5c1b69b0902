package io.vstack.storage.san.internal.command;

import io.vstack.storage.san.internal.SanBackend;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the names of the SAN array's paths. */
@Service
public class PathCompleter implements Completer {

    @Reference
    SanBackend san;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(san.pathNames()).complete(session, commandLine, candidates);
    }
}
