package io.vstack.disks.internal.command;

import io.vstack.api.replication.ReplicationService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code replica:failover <disk>}: the newest recovery point becomes the writable disk. */
@Service
@Command(scope = "replica", name = "failover", description = "After the primary is lost: the newest recovery point becomes a writable "
        + "disk of the same name here; deltas from the old primary are refused (replica:enable it back for reverse replication)")
public class ReplicaFailoverCommand implements Action {

    @Reference
    ReplicationService replication;

    @Argument(index = 0, name = "disk", description = "The replicated disk", required = true)
    @Completion(ReplicaCompleter.class)
    String disk;

    @Override
    public Object execute() throws Exception {
        String to = replication.failover(disk);
        System.out.println("Failed over: disk " + to + " is writable here, over the newest recovery point of " + disk);
        return null;
    }
}
