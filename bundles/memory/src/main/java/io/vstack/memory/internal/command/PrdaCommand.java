package io.vstack.memory.internal.command;

import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.memory.PerCpuAreas;
import java.util.List;
import io.vstack.api.memory.PerCpuAreas.PrdaRun;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code mem:prda [host] [--run N]}: a host's per-CPU data areas, optionally after an exercise run. */
@Service
@Command(scope = "mem", name = "prda", description = "Shows a host's per-CPU data areas (read through each CPU);"
        + " with --run, first runs execution contexts that migrate between the CPUs and check the alias on every operation")
public class PrdaCommand implements Action {

    @Reference
    PerCpuAreas areas;

    @Reference
    HostRegistry hosts;

    @Argument(index = 0, name = "host", description = "The host (default: every host)")
    @Completion(HostCompleter.class)
    String host;

    @Option(name = "--run", description = "Operations to run first (0: none)")
    long operations;

    @Option(name = "--contexts", description = "Execution contexts of the run")
    int contexts = 64;

    @Option(name = "--seed", description = "Seed of the migration schedule")
    long seed = 1;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() throws InterruptedException {
        if (operations < 0) {
            throw new IllegalArgumentException("--run " + operations + " must be 0 or more operations");
        }
        if (host == null) {
            List<String> names = hosts.hosts().stream().map(Host::name).toList();
            if (operations > 0 && names.size() != 1) {
                throw new IllegalArgumentException("--run needs a host: name one of " + names);
            }
            for (String name : names) {
                show(name);
            }
            return null;
        }
        show(host);
        return null;
    }

    private void show(String name) throws InterruptedException {
        if (operations > 0) {
            PrdaRun run = areas.exercise(name, contexts, operations, seed);
            System.out.printf("Ran %d operations of %d contexts on %d CPUs in %.1f ms: %d migrations, %d mismatches,"
                    + " %d sections that changed CPU%n", run.operations(), run.contexts(), run.cpus(), run.nanos() / 1e6,
                    run.migrations(), run.mismatches(), run.sectionMigrations());
        }
        ShellTable table = new ShellTable().emptyTableText("Host " + name + " has no CPUs");
        table.column("Host");
        table.column("CPU").alignRight();
        table.column("CPU id in area").alignRight();
        table.column("Context switches").alignRight();
        table.column("Operations").alignRight();
        table.column("Running");
        areas.areas(name).forEach(a -> table.addRow().addContent(a.host(), a.cpu(), a.cpuId(), a.contextSwitches(), a.operations(),
                a.runningContext() < 0 ? "idle" : "context " + a.runningContext()));
        table.print(System.out, !noFormat);
    }
}
