package io.vstack.migration.internal.command;

import io.vstack.api.migration.MigrationReport;
import io.vstack.api.migration.MigrationService;
import io.vstack.api.migration.MigrationStatus;
import java.util.Locale;
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

    @Reference
    MigrationService migrations;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
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
}
