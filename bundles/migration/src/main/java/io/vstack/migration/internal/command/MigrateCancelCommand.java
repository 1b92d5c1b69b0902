package io.vstack.migration.internal.command;

import io.vstack.api.migration.MigrationService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code migrate:cancel}: stops a migration before its switchover; the VM stays where it runs. */
@Service
@Command(scope = "migrate", name = "cancel", description = "Cancels a running migration (before its switchover); the VM stays at the source")
public class MigrateCancelCommand implements Action {

    @Reference
    MigrationService migrations;

    @Argument(index = 0, name = "id", required = true, description = "The migration")
    @Completion(MigrationIdCompleter.class)
    String id;

    @Override
    public Object execute() throws Exception {
        migrations.cancel(id);
        System.out.println("Migration " + id + " cancelled");
        return null;
    }
}
