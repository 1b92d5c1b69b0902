package io.vstack.disks.internal.command;

import io.vstack.disks.internal.DiskAdmin;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the names of the hosts that can own disks. */
@Service
public class HostNameCompleter implements Completer {

    @Reference
    DiskAdmin disks;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(disks.hostNames()).complete(session, commandLine, candidates);
    }
}
