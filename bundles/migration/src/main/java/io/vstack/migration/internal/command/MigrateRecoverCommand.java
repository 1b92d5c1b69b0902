package io.vstack.migration.internal.command;

import io.vstack.api.migration.MigrationService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code migrate:recover}: reconnects a post-copy migration whose connection broke (QEMU's migrate-recover / migrate resume=true). */
@Service
@Command(scope = "migrate", name = "recover", description = "Reconnects a paused post-copy migration of a VM now (the source also retries on its own)")
public class MigrateRecoverCommand implements Action {

    @Reference
    MigrationService migrations;

    @Argument(index = 0, name = "vm", required = true, description = "The VM whose post-copy migration is paused")
    @Completion(MigratingVmCompleter.class)
    String vm;

    @Override
    public Object execute() throws Exception {
        migrations.recover(vm);
        System.out.println("Recovery of the post-copy migration of " + vm + " started; migrate:status follows it");
        return null;
    }
}
