package io.vstack.disks.internal.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vstack.api.Durations;
import io.vstack.api.disk.DiskOwners;
import io.vstack.api.disk.OwnerRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code disk:owner <disk>}: the disk's owner record (collaborative release). */
@Service
@Command(scope = "disk", name = "owner", description = "Shows who owns a disk: owner host, its transport endpoint, epoch, "
        + "lease and whether it was released")
public class DiskOwnerCommand implements Action {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Reference
    DiskOwners owners;

    @Argument(index = 0, name = "disk", description = "The disk", required = true)
    @Completion(DiskCompleter.class)
    String diskName;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Option(name = "--json", description = "The record as one JSON object")
    boolean json;

    @Override
    public Object execute() throws Exception {
        OwnerRecord r = owners.owner(diskName);
        Instant now = Instant.now();
        if (json) {
            System.out.println(toJson(r));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Disk");
        table.column("Owner");
        table.column("Endpoint");
        table.column("Epoch").alignRight();
        table.column("Lease");
        table.column("State");
        String lease = r.leaseUntil().equals(Instant.EPOCH) ? "not yet granted"
                : r.leaseUntil().isAfter(now) ? "until " + r.leaseUntil() + " (" + Durations.format(Duration.between(now,
                r.leaseUntil()).withNanos(Duration.between(now, r.leaseUntil()).toMillisPart() * 1_000_000)) + " left)"
                : "expired at " + r.leaseUntil();
        table.addRow().addContent(r.diskId(), r.host(), r.endpoint().isEmpty() ? "-" : r.endpoint(), r.epoch(), lease,
                r.released() ? "released" : "owned");
        table.print(System.out, !noFormat);
        return null;
    }

    private static String toJson(OwnerRecord r) throws JsonProcessingException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("disk", r.diskId());
        m.put("host", r.host());
        m.put("endpoint", r.endpoint());
        m.put("epoch", r.epoch());
        m.put("leaseUntil", r.leaseUntil().toString());
        m.put("released", r.released());
        return JSON.writeValueAsString(m);
    }
}
