package io.vstack.cache.internal.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.metrics.Metric;
import io.vstack.api.testing.FakeHosts;
import io.vstack.api.testing.FakeMemory;
import io.vstack.cache.internal.policy.LruFactory;
import java.nio.ByteBuffer;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metric source {@code cache} over a real block cache in (fake) host memory: its figures move as the cache works. */
class CacheMetricsTest {

    private static final Map<String, String> ESX1 = Map.of("cache", "esx1", "host", "esx1", "policy", "lru");

    private final BlockCaches caches = new BlockCaches(cache -> () -> { });
    private final CacheMetrics metrics = new CacheMetrics(caches);

    private double value(String name) {
        List<Metric> found = metrics.snapshot().stream().filter(m -> m.name().equals(name) && m.labels().equals(ESX1)).toList();
        assertEquals(1, found.size(), name + " in " + metrics.snapshot());
        return found.get(0).value();
    }

    @Test
    void hitsMissesInsertionsEvictionsAndResidencyFollowTheCache() {
        assertEquals(List.of(), metrics.snapshot(), "no cache, no figures");
        caches.addHost(FakeHosts.host("esx1", new FakeMemory("h", 1024)));
        caches.addPolicy(new LruFactory());
        caches.update("io.vstack.cache.block~esx1", new Hashtable<>(Map.of("size", "16K", "policy", "lru")));
        FrameBlockCache cache = caches.cache("esx1").orElseThrow();
        assertEquals(4, value("capacity"));
        assertEquals(0, value("blocks"));

        ByteBuffer block = ByteBuffer.allocate(4096);
        assertFalse(cache.read("d", 0, block.clear()));
        assertEquals(1, value("misses"));
        assertEquals(0, value("hits"));
        for (long b = 0; b < 6; b++) {
            cache.put("d", b, block.clear());
        }
        assertEquals(6, value("insertions"));
        assertEquals(2, value("evictions"), "six blocks into four");
        assertEquals(4, value("blocks"));
        assertEquals(4 * 4096, value("resident"));
        assertTrue(cache.read("d", 5, block.clear()));
        assertEquals(1, value("hits"));
        assertEquals(0.5, value("hit"), "one hit, one miss");
        cache.invalidate("d", 5);
        assertEquals(1, value("invalidations"));
        assertEquals(3, value("blocks"));

        caches.delete("io.vstack.cache.block~esx1");
        assertEquals(List.of(), metrics.snapshot(), "the cache went, and its figures with it");
    }
}
