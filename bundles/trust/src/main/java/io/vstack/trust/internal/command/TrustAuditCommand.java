package io.vstack.trust.internal.command;

import io.vstack.trust.internal.TrustAccess;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code trust:audit}: the trust store's journal of approvals, revocations, keys and refusals. */
@Service
@Command(scope = "trust", name = "audit", description = "Shows the audit log: approvals, revocations, signer keys, refusals, quarantines, mode changes")
public class TrustAuditCommand implements Action {

    @Reference
    TrustAccess trust;

    @Option(name = "--tail", aliases = "-n", description = "Only the last N entries")
    int tail;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        trust.tampered().ifPresent(message -> System.out.println("TRUST STORE TAMPERED: " + message));
        List<TrustAccess.AuditRow> rows = trust.audit();
        if (tail > 0 && rows.size() > tail) {
            rows = rows.subList(rows.size() - tail, rows.size());
        }
        ShellTable table = new ShellTable().emptyTableText("The audit log is empty");
        table.column("#").alignRight();
        table.column("Time");
        table.column("Event");
        table.column("Details");
        for (TrustAccess.AuditRow row : rows) {
            String details = row.fields().entrySet().stream().filter(e -> !e.getKey().equals("der"))
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
            table.addRow().addContent(row.seq(), TrustListCommand.time(row.time()), row.type(), details);
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
