package io.vstack.storage.shared.internal.command;

import io.vstack.api.storage.StorageException;
import io.vstack.storage.shared.internal.SharedLuns;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the shared disk server's LUNs. */
@Service
public class LunCompleter implements Completer {

    @Reference
    SharedLuns luns;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        try {
            return new StringsCompleter(luns.names()).complete(session, commandLine, candidates);
        } catch (StorageException e) {
            return -1;
        }
    }
}
