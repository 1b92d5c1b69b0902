package io.vstack.cache.internal.command;

import io.vstack.cache.internal.sim.TraceSimulator;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code cache:policies}: the registered eviction policy factories. */
@Service
@Command(scope = "cache", name = "policies", description = "Lists the eviction policies registered as EvictionPolicyFactory services")
public class CachePoliciesCommand implements Action {

    @Reference
    TraceSimulator simulator;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable().emptyTableText("No eviction policies registered");
        table.column("Policy");
        table.column("Description");
        simulator.policies().forEach(f -> table.addRow().addContent(f.name(), f.description()));
        table.print(System.out, !noFormat);
        return null;
    }
}
