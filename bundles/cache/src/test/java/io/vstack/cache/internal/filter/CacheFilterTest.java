package io.vstack.cache.internal.filter;

import io.vstack.api.testing.FakeHosts;
import io.vstack.api.testing.FakeMemory;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.filter.FilterContext;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import io.vstack.api.disk.DiskChain;
import io.vstack.api.testing.TestFilterContext;
import io.vstack.cache.internal.block.BlockCaches;
import io.vstack.cache.internal.block.FrameBlockCache;
import io.vstack.cache.internal.policy.LruFactory;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheFilterTest {

    private static final int B = 4096;

    @TempDir
    Path dir;

    private final BlockCaches caches = new BlockCaches(cache -> () -> { });
    private final FakeChains disks = new FakeChains(B);
    private final FrameBlockCache cache;

    CacheFilterTest() {
        caches.addHost(FakeHosts.host("esx1", new FakeMemory("h", 256)));
        caches.addPolicy(new LruFactory());
        caches.update("io.vstack.cache.block~esx1", new Hashtable<>(Map.of("size", "256K", "policy", "lru")));
        cache = caches.cache("esx1").orElseThrow();
    }

    private CacheFilter attach(String disk, String mode) {
        DiskChain chain = disks.chain(disk);
        FilterContext context = new ChainContext(disk, "esx1", 1L << 30, B, Map.of("mode", mode), dir, chain);
        return (CacheFilter) new CacheFilterFactory(caches).create(context);
    }

    /** A filter context whose disk is a differencing disk. */
    private record ChainContext(String diskId, String host, long capacity, int blockSize, Map<String, String> config,
                                Path stateDirectory, DiskChain chain) implements FilterContext {
    }

    private static byte[] bytes(int seed) {
        byte[] b = new byte[B];
        for (int i = 0; i < B; i++) {
            b[i] = (byte) (seed + i * 3);
        }
        return b;
    }

    private byte[] read(CacheFilter filter, String disk, long block) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(B);
        filter.submit(IoRequest.of(IoOp.READ, disk, block * B, B, buffer, "t"), disks.below(disk));
        assertEquals(0, buffer.position(), "the filter leaves the position as it found it");
        return buffer.array();
    }

    private void write(CacheFilter filter, String disk, long block, byte[] data) throws Exception {
        filter.submit(IoRequest.of(IoOp.WRITE, disk, block * B, B, ByteBuffer.wrap(data), "t"), disks.below(disk));
    }

    @Test
    void writeThroughServesTheWrittenBlockAndTrimDropsIt() throws Exception {
        disks.disk("d", null);
        CacheFilter filter = attach("d", "write-through");
        write(filter, "d", 3, bytes(1));
        assertArrayEquals(bytes(1), read(filter, "d", 3));
        assertEquals(0, disks.storeReads, "written through: the read is a hit");
        filter.submit(IoRequest.of(IoOp.TRIM, "d", 3L * B, B, ByteBuffer.allocate(0), "t"), disks.below("d"));
        assertArrayEquals(new byte[B], read(filter, "d", 3));
        assertEquals(1, disks.storeReads, "trimmed: a miss, zeros from below");
    }

    @Test
    void writeAroundDropsTheBlockAndTheNextReadFillsIt() throws Exception {
        disks.disk("d", null);
        CacheFilter filter = attach("d", "write-around");
        write(filter, "d", 0, bytes(1));
        assertArrayEquals(bytes(1), read(filter, "d", 0));
        assertEquals(1, disks.storeReads);
        write(filter, "d", 0, bytes(2));
        assertArrayEquals(bytes(2), read(filter, "d", 0), "the old bytes were dropped");
        assertArrayEquals(bytes(2), read(filter, "d", 0));
        assertEquals(2, disks.storeReads);
        assertEquals(1, cache.stats().hits());
    }

    @Test
    void multiBlockRequestsHitOnlyWhenEveryBlockIsCached() throws Exception {
        disks.disk("d", null);
        disks.store("d", 0, bytes(1));
        disks.store("d", 1, bytes(2));
        CacheFilter filter = attach("d", "write-through");
        ByteBuffer two = ByteBuffer.allocate(3 * B).position(B);
        filter.submit(IoRequest.of(IoOp.READ, "d", 0, 2 * B, two.slice(B, 2 * B), "t"), disks.below("d"));
        read(filter, "d", 0);
        ByteBuffer again = ByteBuffer.allocate(2 * B);
        filter.submit(IoRequest.of(IoOp.READ, "d", 0, 2 * B, again, "t"), disks.below("d"));
        assertEquals(1, disks.storeReads);
        byte[] expected = new byte[2 * B];
        System.arraycopy(bytes(1), 0, expected, 0, B);
        System.arraycopy(bytes(2), 0, expected, B, B);
        assertArrayEquals(expected, again.array());
    }

    @Test
    void linkedClonesShareTheBaseBlocksAndACommitNeverServesStaleBytes() throws Exception {
        // base <- golden <- cloneA, base <- golden <- cloneB: chains of depth 3
        disks.disk("base", null);
        disks.disk("golden", "base");
        disks.disk("cloneA", "golden");
        disks.disk("cloneB", "golden");
        disks.store("base", 7, bytes(7));
        disks.store("golden", 8, bytes(8));
        CacheFilter a = attach("cloneA", "write-through");
        CacheFilter b = attach("cloneB", "write-through");
        assertEquals(3, disks.chain("cloneA").members().size());
        assertArrayEquals(bytes(7), read(a, "cloneA", 7));
        assertEquals(1, disks.storeReads, "one miss for the base block");
        assertArrayEquals(bytes(7), read(b, "cloneB", 7));
        assertArrayEquals(bytes(7), read(b, "cloneB", 7));
        assertArrayEquals(bytes(8), read(a, "cloneA", 8));
        assertArrayEquals(bytes(8), read(b, "cloneB", 8));
        assertEquals(2, disks.storeReads, "the other clone's reads are hits on the base's and golden's keys");
        // a clone's own write is its own: the other clone still reads the base's bytes
        write(a, "cloneA", 7, bytes(70));
        assertArrayEquals(bytes(70), read(a, "cloneA", 7));
        assertArrayEquals(bytes(7), read(b, "cloneB", 7));
        assertEquals(2, disks.storeReads);
        // golden is committed into base: base's content changes, its content version with it
        disks.store("golden", 7, bytes(77));
        disks.commit("golden");
        assertArrayEquals(bytes(77), read(b, "cloneB", 7), "no stale base bytes after a commit");
        assertEquals(3, disks.storeReads);
        assertArrayEquals(bytes(77), read(b, "cloneB", 7));
        assertEquals(3, disks.storeReads);
    }

    @Test
    void detachingForgetsTheDisksOwnBlocksButNotItsBase() throws Exception {
        disks.disk("base", null);
        disks.disk("clone", "base");
        disks.store("base", 1, bytes(1));
        CacheFilter filter = attach("clone", "write-through");
        write(filter, "clone", 2, bytes(2));
        read(filter, "clone", 1);
        filter.close();
        disks.below("clone").proceed(IoRequest.of(IoOp.WRITE, "clone", 2L * B, B, ByteBuffer.wrap(bytes(3)), "t"));
        CacheFilter again = attach("clone", "write-through");
        assertArrayEquals(bytes(3), read(again, "clone", 2), "written while detached: not served from the cache");
        long before = disks.storeReads;
        assertArrayEquals(bytes(1), read(again, "clone", 1));
        assertEquals(before, disks.storeReads, "the base's block is still cached");
    }

    @Test
    void closingAfterTheChainIsGoneStillForgetsTheDisksBlocks() throws Exception {
        disks.disk("d", null);
        DiskChain live = disks.chain("d");
        java.util.concurrent.atomic.AtomicBoolean gone = new java.util.concurrent.atomic.AtomicBoolean();
        DiskChain vanishing = new DiskChain() {
            private DiskChain check() {
                if (gone.get()) {
                    throw new IllegalStateException("disk d is unavailable: the disk manager stopped");
                }
                return live;
            }

            @Override
            public List<String> members() {
                return check().members();
            }

            @Override
            public int holderOf(long block) {
                return check().holderOf(block);
            }

            @Override
            public long contentVersion(int member) {
                return check().contentVersion(member);
            }
        };
        CacheFilter filter = (CacheFilter) new CacheFilterFactory(caches).create(
                new ChainContext("d", "esx1", 1L << 30, B, Map.of("mode", "write-through"), dir, vanishing));
        write(filter, "d", 4, bytes(4));
        assertEquals(1, cache.stats().residentBlocks());
        gone.set(true);
        filter.close();
        assertEquals(0, cache.stats().residentBlocks(), "closed with the disk manager gone: its blocks are dropped all the same");
    }

    @Test
    void aHitThroughTheFilterAllocatesNothing() throws Exception {
        disks.disk("d", null);
        disks.store("d", 1, bytes(1));
        CacheFilter filter = attach("d", "write-through");
        ByteBuffer buffer = ByteBuffer.allocateDirect(B);
        IoRequest request = IoRequest.of(IoOp.READ, "d", B, B, buffer, "t");
        var below = disks.below("d");
        for (int i = 0; i < 20_000; i++) {
            filter.submit(request, below);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 10_000; i++) {
            filter.submit(request, below);
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertEquals(1, disks.storeReads);
        assertTrue(allocated < 1024, "10,000 hits allocated " + allocated + " bytes");
    }

    @Test
    void badAttachConfigurationsAreOneLineErrors() {
        disks.disk("d", null);
        FilterContext wrongMode = TestFilterContext.of("d", 1L << 30, B, Map.of("mode", "write-back"), dir);
        assertEquals("cache: mode 'write-back' is unknown; use write-through or write-around",
                assertThrows(IllegalArgumentException.class, () -> new CacheFilterFactory(caches).create(wrongMode)).getMessage());
        FilterContext noCache = new TestFilterContext("d", "esx2", 1L << 30, B, Map.of(), dir);
        assertEquals("cache: host esx2 has no block cache; configure etc/io.vstack.cache.block-esx2.cfg",
                assertThrows(IllegalArgumentException.class, () -> new CacheFilterFactory(caches).create(noCache)).getMessage());
        FilterContext unknown = TestFilterContext.of("d", 1L << 30, B, Map.of("cache", "nope"), dir);
        assertEquals("cache: no block cache named 'nope' (see cache:list)",
                assertThrows(IllegalArgumentException.class, () -> new CacheFilterFactory(caches).create(unknown)).getMessage());
    }
}
