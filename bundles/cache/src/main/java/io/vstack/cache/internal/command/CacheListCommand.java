package io.vstack.cache.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.cache.CacheStats;
import io.vstack.cache.internal.block.BlockCaches;
import io.vstack.cache.internal.block.FrameBlockCache;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code cache:list}: the host block caches. */
@Service
@Command(scope = "cache", name = "list", description = "Lists the host block caches: host, size, policy, blocks cached, hit ratio")
public class CacheListCommand implements Action {

    @Reference
    BlockCaches caches;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable().emptyTableText("No block caches (configure etc/io.vstack.cache.block-<name>.cfg)");
        table.column("Cache");
        table.column("Host");
        table.column("Size").alignRight();
        table.column("Policy");
        table.column("Blocks").alignRight();
        table.column("Hit ratio").alignRight();
        for (FrameBlockCache cache : caches.caches()) {
            CacheStats stats = cache.stats();
            table.addRow().addContent(cache.name(), cache.host(),
                    ByteSize.ofBytes(stats.capacityBlocks() * stats.blockSize()).toString(), cache.policy(),
                    stats.residentBlocks(), String.format(Locale.ROOT, "%.2f", stats.hitRatio()));
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
