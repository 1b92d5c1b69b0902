package io.vstack.migration.internal.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.vstack.api.migration.MigrationReport;
import io.vstack.api.migration.MigrationService;
import io.vstack.api.migration.MigrationStatus;
import io.vstack.api.migration.PostcopyStats;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code migrate:history}: one row per finished migration; the full metrics are in each run's JSON file. */
@Service
@Command(scope = "migrate", name = "history", description = "Reports finished migrations (full metrics: one JSON file per run)")
public class MigrateHistoryCommand implements Action {

    private static final ObjectWriter JSON = new ObjectMapper().writerWithDefaultPrettyPrinter();

    @Reference
    MigrationService migrations;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Option(name = "--json", description = "One JSON array of the runs (times in ns, sizes in bytes) instead of the table")
    boolean json;

    @Override
    public Object execute() throws JsonProcessingException {
        if (json) {
            System.out.println(JSON.writeValueAsString(migrations.history().stream().map(MigrateHistoryCommand::toJson).toList()));
            return null;
        }
        ShellTable table = new ShellTable().emptyTableText("No finished migration yet");
        table.column("Id");
        table.column("VM");
        table.column("From");
        table.column("To");
        table.column("Mode");
        table.column("Result");
        table.column("Iterations").alignRight();
        table.column("Total").alignRight();
        table.column("Downtime").alignRight();
        table.column("Source side").alignRight();
        table.column("Guest saw").alignRight();
        table.column("Blackout").alignRight();
        table.column("Wire").alignRight();
        table.column("Zero pages").alignRight();
        table.column("Post-copy switch");
        table.column("Faults");
        table.column("Recoveries").alignRight();
        table.column("Digest");
        table.column("Metrics");
        for (MigrationReport r : migrations.history()) {
            MigrationStatus s = r.status();
            table.addRow().addContent(s.id(), s.vmId(), s.sourceHost(), s.destinationHost(), s.mode().name().toLowerCase(Locale.ROOT),
                    s.phase().name().toLowerCase(Locale.ROOT) + s.error().map(e -> ": " + e).orElse(""), s.iteration(),
                    MigrationFormat.nanos(r.totalNanos()), MigrationFormat.nanos(r.downtimeNanos()),
                    MigrationFormat.nanos(r.sourceDowntimeNanos()), MigrationFormat.nanos(r.guestTickGapNanos()),
                    MigrationFormat.nanos(r.blackoutNanos()), MigrationFormat.bytes(r.wireBytes()), r.pagesZero(), MigrationFormat.switchPoint(s.postcopy()),
                    MigrationFormat.faults(s.postcopy()), s.postcopy().recoveries(), r.digestVerified() ? "verified" : "-",
                    r.metricsFile().map(Object::toString).orElse("-"));
        }
        table.print(System.out, !noFormat);
        return null;
    }

    /** One run as {@code --json} shows it. */
    public static Map<String, Object> toJson(MigrationReport r) {
        MigrationStatus s = r.status();
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("id", s.id());
        run.put("vm", s.vmId());
        run.put("from", s.sourceHost());
        run.put("to", s.destinationHost());
        run.put("mode", s.mode().name().toLowerCase(Locale.ROOT));
        run.put("result", s.phase().name().toLowerCase(Locale.ROOT));
        run.put("error", s.error().orElse(null));
        run.put("iterations", s.iteration());
        run.put("totalNanos", r.totalNanos());
        run.put("downtimeNanos", r.downtimeNanos());
        run.put("sourceDowntimeNanos", r.sourceDowntimeNanos());
        run.put("guestTickGapNanos", r.guestTickGapNanos());
        run.put("blackoutNanos", r.blackoutNanos());
        run.put("wireBytes", r.wireBytes());
        run.put("pagesRaw", r.pagesRaw());
        run.put("pagesZero", r.pagesZero());
        run.put("digestVerified", r.digestVerified());
        PostcopyStats p = s.postcopy();
        if (p.switchedAfterNanos() >= 0) {
            Map<String, Object> postcopy = new LinkedHashMap<>();
            postcopy.put("switchedAfterNanos", p.switchedAfterNanos());
            postcopy.put("switchReason", p.switchReason());
            postcopy.put("faults", p.faults());
            postcopy.put("faultP50Nanos", p.faultP50Nanos());
            postcopy.put("faultP99Nanos", p.faultP99Nanos());
            postcopy.put("pagesRequested", p.pagesRequested());
            postcopy.put("pagesPushed", p.pagesPushed());
            postcopy.put("recoveries", p.recoveries());
            run.put("postcopy", postcopy);
        }
        run.put("metricsFile", r.metricsFile().map(Object::toString).orElse(null));
        return run;
    }
}
