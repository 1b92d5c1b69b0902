package io.vstack.cache.internal.command;

import io.vstack.api.testing.FakeHosts;
import io.vstack.api.testing.FakeMemory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.testing.SystemOut;
import io.vstack.cache.internal.block.BlockCaches;
import io.vstack.cache.internal.block.FrameBlockCache;
import io.vstack.cache.internal.policy.LruFactory;
import java.nio.ByteBuffer;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** cache:list and cache:stats as plain objects over a set holding one 64 KiB cache. */
class BlockCacheCommandsTest {

    private final BlockCaches caches = new BlockCaches(cache -> () -> { });

    BlockCacheCommandsTest() {
        caches.addHost(FakeHosts.host("esx1", new FakeMemory("h", 64)));
        caches.addPolicy(new LruFactory());
        caches.update("io.vstack.cache.block~esx1", new Hashtable<>(Map.of("size", "64K", "policy", "lru")));
        FrameBlockCache cache = caches.cache("esx1").orElseThrow();
        ByteBuffer block = ByteBuffer.allocate(4096);
        cache.put("d", 0, block);
        cache.read("d", 0, block);
        cache.read("d", 1, block.clear());
    }

    @Test
    void listShowsHostSizePolicyBlocksAndRatio() throws Exception {
        CacheListCommand list = new CacheListCommand();
        list.caches = caches;
        list.noFormat = true;
        List<String> rows = SystemOut.capture(list::execute).lines().toList();
        assertEquals(List.of("esx1\tesx1\t64K\tlru\t1\t0.50"), rows.stream().map(r -> r.replaceAll("\\s*\t\\s*", "\t").strip()).toList());
    }

    @Test
    void statsShowsTheCounters() throws Exception {
        CacheStatsCommand stats = new CacheStatsCommand();
        stats.caches = caches;
        stats.noFormat = true;
        stats.name = "esx1";
        String out = SystemOut.capture(stats::execute);
        Map<String, String> values = new java.util.HashMap<>();
        out.lines().map(l -> l.strip().split("\\s*\t\\s*")).forEach(cells -> values.put(cells[0], cells[1]));
        assertEquals("1", values.get("hits"));
        assertEquals("1", values.get("misses"));
        assertEquals("0.5000", values.get("ratio"));
        assertEquals("0", values.get("reclaimed"));
        assertEquals("4096", values.get("bytes"));
        assertEquals("1/16", values.get("blocks"));
    }

    @Test
    void anUnknownCacheIsAOneLineError() throws Exception {
        CacheStatsCommand stats = new CacheStatsCommand();
        stats.caches = caches;
        stats.name = "esx9";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, stats::execute);
        assertEquals("no block cache named 'esx9' (see cache:list)", e.getMessage());
        CacheListCommand list = new CacheListCommand();
        list.caches = new BlockCaches(cache -> () -> { });
        assertTrue(SystemOut.capture(list::execute).contains("No block caches"));
    }
}
