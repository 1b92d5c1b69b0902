package io.vstack.cache.internal.block;

import io.vstack.api.testing.FakeMemory;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.cache.CacheStats;
import io.vstack.api.hw.OutOfFramesException;
import io.vstack.api.hw.PageFrame;
import io.vstack.cache.internal.policy.LruFactory;
import io.vstack.cache.internal.policy.TwoPhaseFactory;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FrameBlockCacheTest {

    private static final int B = 4096;

    /** A block whose every byte derives from (disk tag, block). */
    static ByteBuffer block(int tag, long block) {
        ByteBuffer b = ByteBuffer.allocate(B);
        for (int i = 0; i < B; i++) {
            b.put(i, (byte) (tag * 31 + block * 7 + i / 64));
        }
        return b;
    }

    static boolean isBlock(ByteBuffer b, int index, int tag, long block) {
        for (int i = 0; i < B; i++) {
            if (b.get(index + i) != (byte) (tag * 31 + block * 7 + i / 64)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void hitsMissesEvictionsAndInvalidations() {
        FakeMemory memory = new FakeMemory("h", 64);
        FrameBlockCache cache = new FrameBlockCache("c", "esx1", memory, new LruFactory(), 2);
        assertEquals(62, memory.freeFrames(), "the cache's data lives in two frames of the host");
        ByteBuffer dst = ByteBuffer.allocate(B);
        assertFalse(cache.read("d", 0, dst));
        cache.put("d", 0, block(1, 0));
        cache.put("d", 1, block(1, 1));
        assertTrue(cache.read("d", 0, dst));
        assertEquals(B, dst.position());
        assertTrue(isBlock(dst, 0, 1, 0));
        cache.put("d", 2, block(1, 2));                 // LRU: evicts block 1
        assertFalse(cache.read("d", 1, dst.clear()));
        assertTrue(cache.read("d", 2, dst.clear()));
        assertTrue(isBlock(dst, 0, 1, 2));
        cache.put("d", 2, block(9, 2));                 // an update in place
        assertTrue(cache.read("d", 2, dst.clear()));
        assertTrue(isBlock(dst, 0, 9, 2));
        cache.invalidate("d", 2);
        assertFalse(cache.read("d", 2, dst.clear()));
        assertFalse(cache.read("other", 0, dst.clear()), "another disk's block 0 is another block");
        CacheStats stats = cache.stats();
        assertEquals(3, stats.hits());
        assertEquals(4, stats.misses());
        assertEquals(3, stats.insertions());
        assertEquals(1, stats.evictions());
        assertEquals(1, stats.invalidations());
        assertEquals(1, stats.residentBlocks());
        assertEquals(2, stats.capacityBlocks());
        cache.invalidateDisk("d");
        assertFalse(cache.read("d", 0, dst.clear()));
        assertEquals(0, cache.stats().residentBlocks());
        cache.close();
        assertEquals(64, memory.freeFrames(), "closing gives every frame back");
    }

    @Test
    void refusesSizesAtOrBelowZeroAndBeyondTheHostKeepingNothing() throws OutOfFramesException {
        FakeMemory memory = new FakeMemory("h", 8);
        assertThrows(IllegalArgumentException.class, () -> new FrameBlockCache("c", "h", memory, new LruFactory(), 0));
        IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class,
                () -> new FrameBlockCache("c", "h", memory, new LruFactory(), 9));
        assertTrue(beyond.getMessage().contains("beyond the memory of host h"), beyond.getMessage());
        PageFrame taken = memory.allocate();
        IllegalArgumentException free = assertThrows(IllegalArgumentException.class,
                () -> new FrameBlockCache("c", "h", memory, new LruFactory(), 8));
        assertTrue(free.getMessage().contains("free memory"), free.getMessage());
        assertEquals(7, memory.freeFrames(), "a refused cache keeps no frame");
        FrameBlockCache cache = new FrameBlockCache("c", "h", memory, new LruFactory(), 4);
        cache.put("d", 0, block(1, 0));
        assertThrows(IllegalArgumentException.class, () -> cache.resize(8));
        assertEquals(4, cache.capacity(), "a refused resize changes nothing");
        assertTrue(cache.read("d", 0, ByteBuffer.allocate(B)));
        memory.free(taken);
    }

    @Test
    void aShrinkKeepsReclaimableReferencesThatReadBackIntactOrMissAfterReuse() throws OutOfFramesException {
        FakeMemory memory = new FakeMemory("h", 16);
        FrameBlockCache cache = new FrameBlockCache("c", "h", memory, new LruFactory(), 4);
        for (long b = 0; b < 4; b++) {
            cache.put("d", b, block(1, b));
        }
        ByteBuffer dst = ByteBuffer.allocate(B);
        assertTrue(cache.read("d", 3, dst.clear()));
        assertTrue(cache.read("d", 2, dst.clear()));    // blocks 2 and 3 are the most recently used
        cache.resize(2);
        assertEquals(14, memory.freeFrames(), "two frames went back to the host");
        assertEquals(2, cache.references());
        assertTrue(cache.read("d", 2, dst.clear()));
        assertTrue(cache.read("d", 3, dst.clear()));
        assertEquals(0, cache.reclaimedHits(), "survivors are ordinary hits");
        // block 0's frame is still free and untouched: read back through its reference
        assertTrue(cache.read("d", 0, dst.clear()));
        assertTrue(isBlock(dst, 0, 1, 0));
        assertEquals(1, cache.reclaimedHits());
        assertTrue(cache.read("d", 0, dst.clear()), "re-admitted after the read-back");
        // another consumer takes block 1's frame (the most recently freed) and writes its own data
        PageFrame other = memory.allocate();
        other.buffer().put(0, block(7, 1), 0, B);
        ByteBuffer probe = ByteBuffer.allocate(B);
        assertFalse(cache.read("d", 1, probe), "the frame was reused: a miss");
        assertFalse(isBlock(probe, 0, 7, 1), "never the other consumer's bytes");
        assertEquals(1, cache.reclaimedHits());
        assertEquals(0, cache.references());
        memory.free(other);
    }

    @Test
    void aWriteDropsTheReclaimableReference() {
        FakeMemory memory = new FakeMemory("h", 16);
        FrameBlockCache cache = new FrameBlockCache("c", "h", memory, new LruFactory(), 2);
        cache.put("d", 0, block(1, 0));
        cache.put("d", 1, block(1, 1));
        cache.read("d", 1, ByteBuffer.allocate(B));
        cache.resize(1);
        assertEquals(1, cache.references());
        cache.invalidate("d", 0);                        // block 0 was overwritten on disk
        assertEquals(0, cache.references());
        assertFalse(cache.read("d", 0, ByteBuffer.allocate(B)), "the old bytes are not served");
    }

    @Test
    void aHitAllocatesNothing() {
        FrameBlockCache cache = new FrameBlockCache("c", "h", new FakeMemory("h", 16), new TwoPhaseFactory(), 8);
        int index = cache.diskIndex("d", 0, true);
        cache.put(index, 5, block(1, 5), 0);
        ByteBuffer heap = ByteBuffer.allocate(B);
        ByteBuffer direct = ByteBuffer.allocateDirect(B);
        for (int i = 0; i < 20_000; i++) {               // warm up: JIT, LongAdder cells
            cache.read(index, 5, heap, 0);
            cache.read(index, 5, direct, 0);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        boolean all = true;
        for (int i = 0; i < 10_000; i++) {
            all &= cache.read(index, 5, heap, 0);
            all &= cache.read(index, 5, direct, 0);
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(all);
        assertTrue(allocated < 1024, "20,000 hits allocated " + allocated + " bytes");
    }

    @Test
    void concurrentReadersNeverSeeAnotherBlocksBytesWhileSlotsAreReused() throws Exception {
        FrameBlockCache cache = new FrameBlockCache("c", "h", new FakeMemory("h", 16), new LruFactory(), 8);
        int index = cache.diskIndex("d", 0, true);
        int blocks = 64;
        ByteBuffer[] contents = new ByteBuffer[blocks];
        for (int b = 0; b < blocks; b++) {
            contents[b] = block(3, b);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> wrong = new AtomicReference<>();
        AtomicLong hits = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            int seed = r;
            Thread reader = new Thread(() -> {
                ByteBuffer dst = ByteBuffer.allocate(B);
                long b = seed;
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                while (writing.get() || hits.get() == 0) {
                    b = (b * 13 + 7) % blocks;
                    if (cache.read(index, b, dst, 0)) {
                        hits.incrementAndGet();
                        if (!isBlock(dst, 0, 3, b)) {
                            wrong.compareAndSet(null, "block " + b + " read with other bytes");
                        }
                    }
                }
            }, "reader-" + r);
            reader.start();
            readers.add(reader);
        }
        start.countDown();
        for (int round = 0; round < 2_000; round++) {
            for (int b = 0; b < blocks; b++) {
                cache.put(index, b, contents[b], 0);    // 64 blocks through 8 slots: slots reused constantly
            }
        }
        writing.set(false);
        for (Thread reader : readers) {
            reader.join();
        }
        assertEquals(null, wrong.get());
        assertTrue(hits.get() > 0);
        assertTrue(cache.stats().evictions() > 100_000);
    }

    @Test
    void contentVersionsAreSeparateDisks() {
        FrameBlockCache cache = new FrameBlockCache("c", "h", new FakeMemory("h", 16), new LruFactory(), 4);
        int v0 = cache.diskIndex("base", 0, true);
        int v1 = cache.diskIndex("base", 1, true);
        assertTrue(v0 != v1);
        assertEquals(v0, cache.diskIndex("base", 0, false));
        cache.put(v0, 0, block(1, 0), 0);
        assertFalse(cache.read(v1, 0, ByteBuffer.allocate(B), 0));
        cache.invalidateDisk("base");
        assertEquals(-1, cache.diskIndex("base", 1, false));
        assertEquals(0, cache.stats().residentBlocks());
        byte[] expected = new byte[B];
        block(1, 0).get(expected);
        ByteBuffer dst = ByteBuffer.allocate(B);
        cache.put("base", 0, block(1, 0));
        assertTrue(cache.read("base", 0, dst));
        assertArrayEquals(expected, dst.array());
    }
}
