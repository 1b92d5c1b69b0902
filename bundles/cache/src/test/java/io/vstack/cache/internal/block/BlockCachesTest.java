package io.vstack.cache.internal.block;

import io.vstack.api.testing.FakeHosts;
import io.vstack.api.testing.FakeMemory;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.cache.internal.policy.LruFactory;
import io.vstack.cache.internal.policy.TwoPhaseFactory;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlockCachesTest {

    private final List<String> published = new ArrayList<>();
    private final BlockCaches caches = new BlockCaches(cache -> {
        published.add(cache.name() + "@" + cache.host());
        return () -> published.remove(cache.name() + "@" + cache.host());
    });
    private final FakeMemory memory = new FakeMemory("h", 1024);   // 4 MiB host

    private static Dictionary<String, Object> props(Map<String, Object> map) {
        return new Hashtable<>(map);
    }

    @Test
    void aConfigurationBecomesACacheWhenHostAndPolicyArePresent() {
        caches.update("io.vstack.cache.block~esx1", props(Map.of("size", "1M")));
        assertEquals(List.of(), caches.caches(), "waits for its host and policy");
        caches.addHost(FakeHosts.host("esx1", memory));
        caches.addPolicy(new TwoPhaseFactory());
        FrameBlockCache cache = caches.cacheOfHost("esx1").orElseThrow();
        assertEquals("esx1", cache.name());
        assertEquals("two-phase", cache.policy());
        assertEquals(256, cache.capacity());
        assertEquals(1024 - 256, memory.freeFrames());
        assertEquals(List.of("esx1@esx1"), published);
        caches.update("io.vstack.cache.block~esx1", props(Map.of("size", "512K")));
        assertEquals(128, caches.cache("esx1").orElseThrow().capacity(), "resized in place");
        assertTrue(cache == caches.cache("esx1").orElseThrow());
        caches.removeHost(FakeHosts.host("esx1", new FakeMemory("h", 1)));   // another host of the same name: not that host
        assertEquals(1, caches.caches().size());
        caches.removeHost(FakeHosts.host("esx1", memory));
        assertEquals(List.of(), caches.caches(), "the host went: its cache goes");
        assertEquals(1024, memory.freeFrames());
        caches.addHost(FakeHosts.host("esx1", memory));
        assertEquals(128, caches.cache("esx1").orElseThrow().capacity(), "and comes back with it");
        caches.delete("io.vstack.cache.block~esx1");
        assertEquals(List.of(), caches.caches());
        assertEquals(List.of(), published);
        assertEquals(1024, memory.freeFrames());
    }

    @Test
    void aDeletedDiskLeavesEveryCacheAndOtherDisksStay() {
        FakeMemory other = new FakeMemory("h2", 1024);
        caches.addHost(FakeHosts.host("esx1", memory));
        caches.addHost(FakeHosts.host("esx2", other));
        caches.addPolicy(new TwoPhaseFactory());
        caches.update("io.vstack.cache.block~esx1", props(Map.of("size", "1M")));
        caches.update("io.vstack.cache.block~esx2", props(Map.of("size", "1M", "host", "esx2")));
        java.nio.ByteBuffer block = java.nio.ByteBuffer.allocate(4096);
        for (FrameBlockCache cache : caches.caches()) {
            int base = cache.diskIndex("base", 3, true); // a base's blocks at content version 3, cached by a clone's filter
            cache.put(base, 0, block.clear(), 0);
            cache.put("base", 1, block.clear());
            cache.put("keep", 0, block.clear());
        }
        new DeletedDisks(caches).deleted("base");
        for (FrameBlockCache cache : caches.caches()) {
            assertEquals(1, cache.stats().residentBlocks(), cache.name());
            assertTrue(cache.read("keep", 0, block.clear()), cache.name());
            assertEquals(-1, cache.diskIndex("base", 3, false), "no index is left for the deleted disk");
        }
        assertEquals(2, caches.caches().size());
    }

    @Test
    void badConfigurationsAreRefusedWithOneLineAndChangeNothing() {
        caches.addHost(FakeHosts.host("esx1", memory));
        caches.addPolicy(new LruFactory());
        caches.update("io.vstack.cache.block~c1", props(Map.of("host", "esx1", "size", "64K", "policy", "lru")));
        FrameBlockCache cache = caches.cache("c1").orElseThrow();
        String pid = "io.vstack.cache.block~c1";
        assertMessage("size: '-1M' is negative", () -> caches.update(pid, props(Map.of("host", "esx1", "size", "-1M"))));
        assertMessage("size 0 must be a positive multiple of 4K", () -> caches.update(pid, props(Map.of("host", "esx1", "size", "0"))));
        assertMessage("size 1G is beyond the memory of host esx1 (4M)",
                () -> caches.update(pid, props(Map.of("host", "esx1", "size", "1G", "policy", "clock"))));
        assertMessage("policy 'clock' is unknown (known: 2q, arc, lru, s3fifo, two-phase)",
                () -> caches.update(pid, props(Map.of("host", "esx1", "size", "64K", "policy", "clock"))));
        assertMessage("unknown key colour", () -> caches.update(pid, props(Map.of("colour", "red"))));
        assertMessage("beyond the memory of host esx1",
                () -> caches.update(pid, props(Map.of("host", "esx1", "size", "8M", "policy", "lru"))));
        caches.update("io.vstack.cache.block~c2", props(Map.of("host", "esx1", "size", "3M", "policy", "lru")));
        assertMessage("free memory", () -> caches.update(pid, props(Map.of("host", "esx1", "size", "2M", "policy", "lru"))));
        assertMessage("host: cache c1 runs on host esx1 and cannot move to esx2 (the caching filters of that host's disks "
                + "use it); it stays on esx1", () -> caches.update(pid, props(Map.of("host", "esx2", "size", "64K", "policy", "lru"))));
        assertMessage("a cache named 'c1' exists already",
                () -> caches.update("io.vstack.cache.block~c3", props(Map.of("name", "c1", "host", "esx1"))));
        assertTrue(cache == caches.cache("c1").orElseThrow(), "c1 is the cache it was");
        assertEquals(16, cache.capacity());
        assertEquals(1024 - 16 - 768, memory.freeFrames());
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable update) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, update);
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
