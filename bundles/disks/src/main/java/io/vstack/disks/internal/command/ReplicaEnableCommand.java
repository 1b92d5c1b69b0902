package io.vstack.disks.internal.command;

import io.vstack.api.Durations;
import io.vstack.api.replication.ReplicaStatus;
import io.vstack.api.replication.ReplicationService;
import io.vstack.api.transport.Endpoint;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.action.Option;

/** {@code replica:enable <disk> <host:port> [--rpo 30s] [--keep N]}: starts replicating a disk to a recovery site. */
@Service
@Command(scope = "replica", name = "enable", description = "Replicates a disk to a recovery site (another vstack's transport endpoint): "
        + "its whole content first, then the blocks written in each RPO interval as one delta, each a recovery point there")
public class ReplicaEnableCommand implements Action {

    @Reference
    ReplicationService replication;

    @Argument(index = 0, name = "disk", description = "The disk to replicate", required = true)
    @Completion(DiskCompleter.class)
    String disk;

    @Argument(index = 1, name = "target", description = "The recovery site's transport endpoint, host:port", required = true)
    String target;

    @Option(name = "--rpo", description = "Interval between deltas, 1s or more (default 30s)")
    String rpo = "30s";

    @Option(name = "--keep", description = "Recovery points the recovery site keeps (default 8)")
    int keep = ReplicationService.DEFAULT_KEEP;

    @Override
    public Object execute() throws Exception {
        ReplicaStatus s = replication.enable(disk, Endpoint.parse(target), Durations.parse(rpo), keep);
        System.out.println("Replicating disk " + s.disk() + " to " + s.peer() + " every " + Durations.format(s.rpo()) + ", keeping "
                + s.keep() + " recovery point(s); the initial sync is point 1 (replica:status shows progress)");
        return null;
    }
}
