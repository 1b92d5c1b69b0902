package io.vstack.trust.internal.command;

import io.vstack.api.trust.TrustException;
import io.vstack.trust.internal.TrustAccess;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code trust:repair}: after a failed integrity check, starts an empty trust store. */
@Service
@Command(scope = "trust", name = "repair", description = "Moves a tampered trust store aside and starts an empty one; re-approve bundles after")
public class TrustRepairCommand implements Action {

    @Reference
    TrustAccess trust;

    @Override
    public Object execute() throws TrustException {
        Path moved = trust.repair(Approver.current());
        System.out.println("The tampered journal is now " + moved + "; the new trust store is empty: "
                + "re-approve bundles with trust:install and signers with trust:keys add");
        return null;
    }
}
