package io.vstack.trust.internal.command;

import io.vstack.api.trust.TrustRecord;
import io.vstack.api.trust.Verdict;
import io.vstack.trust.internal.TrustAccess;
import java.time.Instant;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code trust:list}: the verdict of every installed bundle, or the approvals in the store. */
@Service
@Command(scope = "trust", name = "list", description = "Lists the trust verdict of installed bundles (platform bundles with --all), or the approvals (--records)")
public class TrustListCommand implements Action {

    @Reference
    TrustAccess trust;

    @Option(name = "--all", aliases = "-a", description = "Include the platform's own bundles")
    boolean all;

    @Option(name = "--records", aliases = "-r", description = "List the approvals in the trust store instead")
    boolean records;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        trust.tampered().ifPresent(message -> System.out.println("TRUST STORE TAMPERED: " + message));
        if (records) {
            printRecords();
            return null;
        }
        ShellTable table = new ShellTable().emptyTableText("No bundles besides the platform's (trust:list --all shows them)");
        table.column("ID").alignRight();
        table.column("Symbolic name");
        table.column("Version");
        table.column("State");
        table.column("Verdict");
        table.column("SHA-256");
        table.column("Signer");
        table.column("Approver");
        table.column("Approved");
        table.column("Detail");
        for (TrustAccess.Row row : trust.bundles()) {
            if (row.platform() && !all) {
                continue;
            }
            String verdict;
            String approver = "-";
            String approved = "-";
            String detail = "";
            if (row.verdict() instanceof Verdict.Trusted trusted) {
                verdict = "TRUSTED";
                approver = trusted.record().approver();
                approved = time(trusted.record().approvedAt());
            } else {
                Verdict.Tainted tainted = (Verdict.Tainted) row.verdict();
                verdict = tainted.reason().name();
                detail = tainted.detail();
            }
            table.addRow().addContent(row.id(), row.symbolicName(), row.version(), row.state(), verdict,
                    row.sha256().map(s -> s.substring(0, 16)).orElse("-"), row.signer().orElse("-"), approver, approved, detail);
        }
        table.print(System.out, !noFormat);
        return null;
    }

    private void printRecords() {
        ShellTable table = new ShellTable().emptyTableText("No approvals in the trust store");
        table.column("Symbolic name");
        table.column("Version");
        table.column("SHA-256");
        table.column("Signer");
        table.column("Approver");
        table.column("Approved");
        table.column("Status");
        table.column("Location");
        List<TrustRecord> all = trust.records();
        for (TrustRecord record : all) {
            table.addRow().addContent(record.binary().symbolicName(), record.binary().version(),
                    record.binary().contentSha256().substring(0, 16), record.binary().signer().orElse("-"),
                    record.approver(), time(record.approvedAt()), record.revoked() ? "revoked" : "approved",
                    record.binary().location());
        }
        table.print(System.out, !noFormat);
    }

    static String time(Instant instant) {
        return instant.equals(Instant.EPOCH) ? "-" : instant.toString().replaceFirst("\\.\\d+Z$", "Z");
    }
}
