package io.vstack.migration.internal.command;

import io.vstack.api.migration.MigrationService;
import io.vstack.api.migration.MigrationStatus;
import java.util.List;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code migrate:status}: the running migrations. */
@Service
@Command(scope = "migrate", name = "status", description = "Shows the running migrations")
public class MigrateStatusCommand implements Action {

    @Reference
    MigrationService migrations;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        List<MigrationStatus> active = migrations.active();
        ShellTable table = new ShellTable().emptyTableText("No migration running; migrate:history shows finished ones");
        table.column("Id");
        table.column("VM");
        table.column("From");
        table.column("To");
        table.column("Mode");
        table.column("Phase");
        table.column("Iteration").alignRight();
        table.column("Pending").alignRight();
        table.column("Bandwidth").alignRight();
        table.column("Expected downtime").alignRight();
        table.column("Throttle").alignRight();
        table.column("Post-copy switch");
        table.column("Faults");
        table.column("Recoveries").alignRight();
        for (MigrationStatus s : active) {
            table.addRow().addContent(s.id(), s.vmId(), s.sourceHost(), s.destinationHost(), s.mode().name().toLowerCase(Locale.ROOT),
                    s.phase().name().toLowerCase(Locale.ROOT), s.iteration(), MigrationFormat.bytes(s.pendingBytes()), MigrationFormat.rate(s.bandwidthBytesPerSecond()),
                    MigrationFormat.nanos(s.expectedDowntimeNanos()), s.throttlePercent() + "%",
                    MigrationFormat.switchPoint(s.postcopy()), MigrationFormat.faults(s.postcopy()), s.postcopy().recoveries());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
