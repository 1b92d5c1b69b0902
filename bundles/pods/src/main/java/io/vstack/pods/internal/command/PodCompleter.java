package io.vstack.pods.internal.command;

import io.vstack.api.pod.PodService;
import io.vstack.api.pod.PodStatus;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes pods as {@code namespace/name}. */
@Service
public class PodCompleter implements Completer {

    @Reference
    PodService pods;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(pods.pods().stream().map(PodStatus::key).toList())
                .complete(session, commandLine, candidates);
    }
}
