package io.vstack.disks.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.replication.ReplicationService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code replica:points <disk>}: the recovery points held here for a disk. */
@Service
@Command(scope = "replica", name = "points", description = "Lists the recovery points this recovery site holds for a disk, oldest first")
public class ReplicaPointsCommand implements Action {

    @Reference
    ReplicationService replication;

    @Argument(index = 0, name = "disk", description = "The replicated disk (its name at the primary)", required = true)
    @Completion(ReplicaCompleter.class)
    String disk;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() throws Exception {
        ShellTable table = new ShellTable().emptyTableText("No recovery point yet");
        table.column("Point").alignRight();
        table.column("Disk");
        table.column("Sealed at");
        table.column("Blocks").alignRight();
        table.column("Bytes").alignRight();
        replication.points(disk).forEach(p -> table.addRow().addContent(p.sequence(), p.disk(), p.sealedAt().toString(), p.blocks(),
                ByteSize.ofBytes(p.bytes()).toString()));
        table.print(System.out, !noFormat);
        return null;
    }
}
