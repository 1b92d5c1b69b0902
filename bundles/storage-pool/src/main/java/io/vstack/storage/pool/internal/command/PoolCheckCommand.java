package io.vstack.storage.pool.internal.command;

import io.vstack.storage.pool.internal.PoolBackend;
import io.vstack.storage.pool.internal.PoolCheck;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code disk:pool-check <name> [--repair]}: checks a pool's allocation metadata, fsck-style. */
@Service
@Command(scope = "disk", name = "pool-check",
        description = "Checks a pool's committed allocation metadata: blocks owned twice, leaked blocks, owned blocks marked free; --repair frees leaked blocks")
public class PoolCheckCommand implements Action {

    private static final int SHOWN = 20;

    @Reference
    PoolBackend pools;

    @Argument(index = 0, name = "name", description = "The pool", required = true)
    @Completion(PoolNameCompleter.class)
    String name;

    @Option(name = "--repair", description = "Free leaked blocks and mark owned ones used (a block owned twice is only reported)")
    boolean repair;

    @Override
    public Object execute() throws Exception {
        PoolCheck c = pools.check(name, repair);
        System.out.println("Pool " + c.pool() + ": " + c.blocks() + " blocks, " + c.owned() + " owned by disks");
        c.doubles().stream().limit(SHOWN).forEach(d -> System.out.println("  owned twice: " + d));
        line("leaked (marked used, owned by no disk)", c.leaked());
        line("owned but marked free", c.unmarked());
        line("owned beyond the clean boundary", c.beyondClean());
        c.anomalies().stream().limit(SHOWN).forEach(a -> System.out.println("  log record: " + a));
        if (c.clean()) {
            System.out.println("clean: no block owned twice, none leaked");
        } else {
            String fixable = c.leaked().size() + " leaked, " + c.unmarked().size() + " owned but marked free";
            System.out.println(c.repaired() ? "repaired: " + fixable + (c.doubles().isEmpty() ? "" : "; "
                    + c.doubles().size() + " blocks owned twice are NOT repaired (delete one of their disks)")
                    : "PROBLEMS: " + c.doubles().size() + " owned twice, " + fixable
                    + (c.leaked().isEmpty() && c.unmarked().isEmpty() ? "" : "; disk:pool-check --repair " + c.pool() + " repairs those"));
        }
        return null;
    }

    private static void line(String what, List<Long> blocks) {
        if (!blocks.isEmpty()) {
            System.out.println("  " + what + ": " + blocks.size() + " blocks "
                    + blocks.subList(0, Math.min(SHOWN, blocks.size())) + (blocks.size() > SHOWN ? "..." : ""));
        }
    }
}
