package io.vstack.trust.internal.command;

import io.vstack.trust.internal.TrustAccess;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the symbolic names of standing approvals. */
@Service
public class ApprovedBundleCompleter implements Completer {

    @Reference
    TrustAccess trust;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(trust.records().stream().filter(r -> !r.revoked())
                .map(r -> r.binary().symbolicName()).distinct().toList()).complete(session, commandLine, candidates);
    }
}
