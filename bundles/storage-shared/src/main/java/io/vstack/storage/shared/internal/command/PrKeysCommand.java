package io.vstack.storage.shared.internal.command;

import io.vstack.storage.shared.internal.SharedLuns;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code disk:pr-keys}: the keys registered on a shared LUN, with the host of each initiator. */
@Service
@Command(scope = "disk", name = "pr-keys",
        description = "Lists the SCSI persistent reservation keys registered on a shared LUN, per host")
public class PrKeysCommand implements Action {

    @Reference
    SharedLuns luns;

    @Argument(index = 0, name = "lun", description = "The shared LUN", required = true)
    @Completion(LunCompleter.class)
    String lun;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() throws Exception {
        ShellTable table = new ShellTable().emptyTableText("No keys registered on " + lun);
        table.column("Host");
        table.column("Initiator");
        table.column("Key");
        table.column("Holds reservation");
        for (SharedLuns.Registration registration : luns.registrations(lun)) {
            table.addRow().addContent(registration.host(), registration.initiator(),
                    String.format("0x%x", registration.key()), registration.holder() ? "yes" : "no");
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
