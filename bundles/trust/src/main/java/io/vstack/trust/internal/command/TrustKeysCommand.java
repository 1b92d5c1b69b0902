package io.vstack.trust.internal.command;

import io.vstack.api.trust.TrustException;
import io.vstack.trust.internal.TrustAccess;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code trust:keys}: the trusted signers. */
@Service
@Command(scope = "trust", name = "keys", description = "Lists, adds (certificate file, PEM or DER) or removes (fingerprint) trusted jar signers")
public class TrustKeysCommand implements Action {

    @Reference
    TrustAccess trust;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Argument(index = 0, name = "action", required = false, description = "list (default), add or remove")
    @Completion(value = StringsCompleter.class, values = {"list", "add", "remove"})
    String action = "list";

    @Argument(index = 1, name = "target", required = false, description = "add: certificate file; remove: fingerprint (8+ hex digits)")
    String target;

    @Override
    public Object execute() throws TrustException {
        switch (action) {
            case "list" -> {
                ShellTable table = new ShellTable().emptyTableText("No trusted signers (trust:keys add <certificate-file>)");
                table.column("Fingerprint (SHA-256)");
                table.column("Subject");
                table.column("Added");
                table.column("By");
                trust.signers().forEach(s -> table.addRow().addContent(s.fingerprint(), s.subject(),
                        TrustListCommand.time(s.addedAt()), s.addedBy()));
                table.print(System.out, !noFormat);
            }
            case "add" -> {
                TrustAccess.SignerRow signer = trust.addSigner(Path.of(required("certificate file")), Approver.current());
                System.out.println("Trusted signer " + signer.subject() + " (sha256 " + signer.fingerprint() + ")");
            }
            case "remove" -> {
                TrustAccess.SignerRow signer = trust.removeSigner(required("fingerprint"), Approver.current());
                System.out.println("No longer trusted: " + signer.subject());
            }
            default -> throw new TrustException("unknown action '" + action + "': use list, add <certificate-file> or remove <fingerprint>");
        }
        return null;
    }

    private String required(String what) throws TrustException {
        if (target == null || target.isBlank()) {
            throw new TrustException("trust:keys " + action + " needs a " + what);
        }
        return target;
    }
}
