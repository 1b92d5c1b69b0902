package io.vstack.disks.internal.command;

import io.vstack.api.replication.ReplicaStatus;
import io.vstack.api.replication.ReplicationService;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the names of replicated disks (either side). */
@Service
public class ReplicaCompleter implements Completer {

    @Reference
    ReplicationService replication;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(replication.status().stream().map(ReplicaStatus::disk).distinct().toList())
                .complete(session, commandLine, candidates);
    }
}
