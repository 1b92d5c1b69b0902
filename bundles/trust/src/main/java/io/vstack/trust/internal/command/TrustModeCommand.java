package io.vstack.trust.internal.command;

import io.vstack.api.trust.TrustException;
import io.vstack.trust.internal.TrustAccess;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code trust:mode}: shows or sets enforce / log-only. */
@Service
@Command(scope = "trust", name = "mode", description = "Shows or sets the enforcement mode: enforce (untrusted bundles never run) or log-only")
public class TrustModeCommand implements Action {

    @Reference
    TrustAccess trust;

    @Argument(index = 0, name = "mode", required = false, description = "enforce or log-only")
    @Completion(value = StringsCompleter.class, values = {"enforce", "log-only"})
    String mode;

    @Override
    public Object execute() throws TrustException {
        if (mode != null) {
            trust.setMode(mode, Approver.current());
            System.out.println("Trust mode set to " + mode.strip() + " (configuration io.vstack.trust)");
        } else {
            System.out.println(trust.mode());
        }
        return null;
    }
}
