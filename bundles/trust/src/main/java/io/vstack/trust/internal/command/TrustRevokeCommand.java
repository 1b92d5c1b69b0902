package io.vstack.trust.internal.command;

import io.vstack.api.trust.TrustException;
import io.vstack.trust.internal.TrustAccess;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code trust:revoke}: withdraws an approval; the bundle stops and cannot resolve again. */
@Service
@Command(scope = "trust", name = "revoke", description = "Revokes the approval of a bundle: it stops and never starts again until re-approved")
public class TrustRevokeCommand implements Action {

    @Reference
    TrustAccess trust;

    @Argument(index = 0, name = "symbolic-name", required = true, description = "Symbolic name of the approved bundle")
    @Completion(ApprovedBundleCompleter.class)
    String symbolicName;

    @Argument(index = 1, name = "version", required = false, description = "Only this version (default: every version)")
    String version;

    @Override
    public Object execute() throws TrustException {
        trust.revoke(symbolicName, version, Approver.current());
        System.out.println("Revoked " + symbolicName + (version == null ? "" : " " + version));
        return null;
    }
}
