package io.vstack.trust.internal.command;

import io.vstack.api.trust.TrustException;
import io.vstack.trust.internal.TrustAccess;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code trust:repair}: after a failed integrity check, starts an empty trust store. */
@Service
@Command(scope = "trust", name = "repair", description = "Moves the files of a trust store that failed its integrity check aside (journal, head, a damaged key) and starts an empty one; re-approve bundles after")
public class TrustRepairCommand implements Action {

    @Reference
    TrustAccess trust;

    @Override
    public Object execute() throws TrustException {
        List<Path> moved = trust.repair(Approver.current());
        System.out.println("Moved aside: " + moved.stream().map(Path::toString).collect(Collectors.joining(", "))
                + "; the new trust store is empty: re-approve bundles with trust:install and signers with trust:keys add");
        return null;
    }
}
