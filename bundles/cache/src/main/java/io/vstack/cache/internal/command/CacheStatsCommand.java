package io.vstack.cache.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.UserText;
import io.vstack.api.cache.CacheStats;
import io.vstack.cache.internal.block.BlockCaches;
import io.vstack.cache.internal.block.FrameBlockCache;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code cache:stats <cache>}: one cache's counters. */
@Service
@Command(scope = "cache", name = "stats", description = "Shows a block cache's counters: hits, misses, evictions, reclaimed, ratio, bytes")
public class CacheStatsCommand implements Action {

    @Reference
    BlockCaches caches;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Argument(index = 0, name = "cache", required = true, description = "Cache name (see cache:list)")
    @Completion(CacheNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        FrameBlockCache cache = caches.cache(name).orElseThrow(() -> new IllegalArgumentException(
                "no block cache named " + UserText.quote(name) + " (see cache:list)"));
        CacheStats s = cache.stats();
        ShellTable table = new ShellTable();
        table.column("Counter");
        table.column("Value").alignRight();
        table.addRow().addContent("host", cache.host());
        table.addRow().addContent("policy", cache.policy());
        table.addRow().addContent("hits", s.hits());
        table.addRow().addContent("misses", s.misses());
        table.addRow().addContent("ratio", String.format(Locale.ROOT, "%.4f", s.hitRatio()));
        table.addRow().addContent("insertions", s.insertions());
        table.addRow().addContent("evictions", s.evictions());
        table.addRow().addContent("invalidations", s.invalidations());
        table.addRow().addContent("reclaimed", cache.reclaimedHits());
        table.addRow().addContent("references", cache.references());
        table.addRow().addContent("blocks", s.residentBlocks() + "/" + s.capacityBlocks());
        table.addRow().addContent("bytes", s.residentBytes());
        table.addRow().addContent("size", ByteSize.ofBytes(s.capacityBlocks() * s.blockSize()).toString());
        table.print(System.out, !noFormat);
        return null;
    }
}
