package io.vstack.migration.internal.command;

import io.vstack.api.migration.MigrationService;
import io.vstack.api.migration.MigrationStatus;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the VMs that are migrating. */
@Service
public class MigratingVmCompleter implements Completer {

    @Reference
    MigrationService migrations;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(migrations.active().stream().map(MigrationStatus::vmId).toList()).complete(session, commandLine, candidates);
    }
}
