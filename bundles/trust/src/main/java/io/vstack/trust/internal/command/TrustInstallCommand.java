package io.vstack.trust.internal.command;

import io.vstack.api.trust.TrustException;
import io.vstack.api.trust.TrustRecord;
import io.vstack.trust.internal.TrustAccess;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code trust:install}: the approved way to install a bundle. */
@Service
@Command(scope = "trust", name = "install", description = "Verifies a bundle (SHA-256, jar signature if signed), records it in the trust store, installs and starts it")
public class TrustInstallCommand implements Action {

    @Reference
    TrustAccess trust;

    @Argument(index = 0, name = "location", required = true, description = "mvn:group/artifact/version, file:/path.jar or a URL")
    String location;

    @Override
    public Object execute() throws TrustException {
        URI uri;
        try {
            uri = new URI(location.strip());
        } catch (URISyntaxException e) {
            throw new TrustException("'" + location + "' is not a URL: " + e.getReason());
        }
        TrustRecord record = trust.install(uri, Approver.current());
        System.out.println("Approved and started " + record.binary().symbolicName() + " " + record.binary().version()
                + " (sha256 " + record.binary().contentSha256() + ")"
                + record.binary().signer().map(s -> ", signed by " + s).orElse(""));
        return null;
    }
}
