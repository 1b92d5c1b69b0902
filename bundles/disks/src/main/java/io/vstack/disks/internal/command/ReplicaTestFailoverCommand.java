package io.vstack.disks.internal.command;

import io.vstack.api.replication.ReplicationService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code replica:test-failover <disk> <point> <name>}: a writable child of a recovery point; replication goes on. */
@Service
@Command(scope = "replica", name = "test-failover", description = "Creates a writable differencing disk over a recovery point, "
        + "to test a failover while replication goes on; delete the disk when done")
public class ReplicaTestFailoverCommand implements Action {

    @Reference
    ReplicationService replication;

    @Argument(index = 0, name = "disk", description = "The replicated disk", required = true)
    @Completion(ReplicaCompleter.class)
    String disk;

    @Argument(index = 1, name = "point", description = "The recovery point's number (replica:points)", required = true)
    long point;

    @Argument(index = 2, name = "name", description = "The new disk's name", required = true)
    String name;

    @Override
    public Object execute() throws Exception {
        String created = replication.testFailover(disk, point, name);
        System.out.println("Disk " + created + " is a writable child of recovery point " + point + " of " + disk
                + "; replication goes on (disk:delete " + created + " when the test is over)");
        return null;
    }
}
