package io.vstack.storage.pool.internal.command;

import io.vstack.storage.pool.internal.PoolBackend;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes pool names. */
@Service
public class PoolNameCompleter implements Completer {

    @Reference
    PoolBackend pools;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(pools.poolNames()).complete(session, commandLine, candidates);
    }
}
