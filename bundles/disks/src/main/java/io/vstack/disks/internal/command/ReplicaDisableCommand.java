package io.vstack.disks.internal.command;

import io.vstack.api.replication.ReplicationService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code replica:disable <disk>}: stops replicating (primary) or removes the recovery chain (recovery site). */
@Service
@Command(scope = "replica", name = "disable", description = "On the primary: stops tracking and shipping the disk. At the recovery site: "
        + "deletes its recovery points")
public class ReplicaDisableCommand implements Action {

    @Reference
    ReplicationService replication;

    @Argument(index = 0, name = "disk", description = "The replicated disk", required = true)
    @Completion(ReplicaCompleter.class)
    String disk;

    @Override
    public Object execute() throws Exception {
        replication.disable(disk);
        System.out.println("Replication of disk " + disk + " disabled");
        return null;
    }
}
