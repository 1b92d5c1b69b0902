package io.vstack.memory.internal.command;

import io.vstack.api.memory.HandleBroker;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code mem:revoke}: revokes a grant (and its re-grants); {@code --hard} also replaces the region's file. */
@Service
@Command(scope = "mem", name = "revoke", description = "Revokes a memory grant: no new maps, mapped handles fail their checks")
public class RevokeCommand implements Action {

    @Reference
    HandleBroker broker;

    @Option(name = "--hard", description = "Also replace the region's backing file with a copy (revokes every grant of the region)")
    boolean hard;

    @Argument(index = 0, name = "grant", description = "The grant id", required = true)
    @Completion(GrantCompleter.class)
    String grantId;

    @Override
    public Object execute() throws Exception {
        broker.revoke(grantId, hard);
        System.out.println((hard ? "Hard-revoked grant " : "Revoked grant ") + grantId
                + (hard ? " (its region's file was replaced; every grant of the region is revoked)" : ""));
        return null;
    }
}
