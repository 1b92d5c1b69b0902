package io.vstack.disks.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.Durations;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vstack.api.replication.ReplicaStatus;
import io.vstack.api.replication.ReplicationService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code replica:status}: every replication of this process, primary or recovery side. */
@Service
@Command(scope = "replica", name = "status", description = "Lists the disks replicated from here (primary) and to here (recovery site)")
public class ReplicaStatusCommand implements Action {

    @Reference
    ReplicationService replication;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Option(name = "--json", description = "One JSON object per replication, in an array (durations in milliseconds)")
    boolean json;

    @Override
    public Object execute() throws JsonProcessingException {
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (ReplicaStatus s : replication.status()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("disk", s.disk());
                m.put("role", s.role().name().toLowerCase(Locale.ROOT));
                m.put("peer", s.peer());
                m.put("rpoMillis", s.rpo().toMillis());
                m.put("keep", s.keep());
                m.put("state", s.state());
                m.put("lastSequence", s.lastSequence());
                m.put("lastPointAt", s.lastPointAt().map(Instant::toString).orElse(null));
                m.put("dirtyBlocks", s.dirtyBlocks());
                m.put("bytes", s.bytesShipped());
                m.put("resends", s.resends());
                out.add(m);
            }
            System.out.println(new ObjectMapper().writeValueAsString(out));
            return null;
        }
        ShellTable table = new ShellTable().emptyTableText("No replication: replica:enable <disk> <host:port> starts one");
        table.column("Disk");
        table.column("Role");
        table.column("Peer");
        table.column("RPO").alignRight();
        table.column("Keep").alignRight();
        table.column("Last point").alignRight();
        table.column("Age").alignRight();
        table.column("Dirty").alignRight();
        table.column("Shipped").alignRight();
        table.column("Resent").alignRight();
        table.column("State");
        Instant now = Instant.now();
        replication.status().forEach(s -> table.addRow().addContent(s.disk(), s.role().name().toLowerCase(Locale.ROOT),
                s.peer(), s.rpo().isZero() ? "-" : Durations.format(s.rpo()), s.keep(), s.lastSequence(),
                s.lastPointAt().map(t -> Durations.format(java.time.Duration.between(t, now))).orElse("-"), s.dirtyBlocks(),
                ByteSize.ofBytes(s.bytesShipped()).toString(), s.resends(), s.state()));
        table.print(System.out, !noFormat);
        return null;
    }
}
