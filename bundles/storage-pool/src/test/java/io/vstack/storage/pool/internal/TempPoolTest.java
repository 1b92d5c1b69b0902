package io.vstack.storage.pool.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.metrics.Metric;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.CapacityExceededException;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreSpec;
import io.vstack.api.testing.FakeHosts;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempPoolTest {

    private static final int BLOCK = 64 << 10;

    @TempDir
    Path dir;

    private PoolBackend backend;

    @AfterEach
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    private PoolBackend backend() {
        backend = new PoolBackend(new FakeHosts(), dir.resolve("registry"), "", Duration.ofSeconds(30));
        return backend;
    }

    private PoolSpec spec(String name, long blocks, long quota, PoolSpec.OnFull onFull, long lowWater) {
        return new PoolSpec(name, dir.resolve(name + ".img"), blocks * BLOCK, BLOCK, quota, onFull, lowWater);
    }

    static byte[] pattern(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        for (int i = 0; i < length; i++) {
            bytes[i] |= 1;   // never zero, so a leaked byte cannot pass for an unwritten one
        }
        return bytes;
    }

    static void write(BlockStore store, long offset, byte[] bytes) throws StorageException {
        store.write(offset, ByteBuffer.wrap(bytes));
    }

    static byte[] read(BlockStore store, long offset, int length) throws StorageException {
        ByteBuffer dst = ByteBuffer.allocate(length);
        store.read(offset, dst);
        return dst.array();
    }

    @Test
    void aDeletedDisksBytesAreNeverVisibleToTheDiskThatGetsItsBlocks() throws Exception {
        PoolBackend pools = backend();
        pools.createPool(spec("tmp", 32, 0, PoolSpec.OnFull.ERROR, 0));
        int size = 32 * BLOCK;
        try (BlockStore a = pools.create(new StoreSpec("vm-a", size, 512, "esx1"))) {
            write(a, 0, pattern(size, 1));   // every block of the pool is A's now
            a.flush();
        }
        assertEquals(0, pools.info("tmp").free());
        pools.delete("vm-a");
        assertEquals(32, pools.info("tmp").free(), "A's blocks are back once its deletion is durable");

        try (BlockStore b = pools.create(new StoreSpec("vm-b", size, 512, "esx2"))) {
            // Partial first writes at odd places of every block: each one takes one of A's old blocks.
            byte[] mine = pattern(4096, 2);
            for (int v = 0; v < 32; v++) {
                write(b, (long) v * BLOCK + (v % 15) * 4096L, mine);
            }
            assertEquals(0, pools.info("tmp").free(), "B holds every block A held");
            byte[] all = read(b, 0, size);
            for (int v = 0; v < 32; v++) {
                int at = (v % 15) * 4096;
                for (int i = 0; i < BLOCK; i++) {
                    byte expected = i >= at && i < at + 4096 ? mine[i - at] : 0;
                    if (all[v * BLOCK + i] != expected) {
                        throw new AssertionError("block " + v + " byte " + i + ": " + all[v * BLOCK + i] + ", expected "
                                + expected + " (A's byte would be visible)");
                    }
                }
            }
        }
        // And in the pool file itself: no byte of A's pattern is left anywhere.
        byte[] raw = Files.readAllBytes(dir.resolve("tmp.img"));
        byte[] old = pattern(size, 1);
        long leftovers = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] != 0 && raw[i] == old[i]) {
                leftovers++;
            }
        }
        // B's random bytes match A's at the same place by chance about once in 128 nonzero bytes.
        assertTrue(leftovers < 32 * 4096 / 64, "A's bytes left in the pool file: " + leftovers);
    }

    @Test
    void aQuotaReachedIsANamedErrorAndLosesNothing() throws Exception {
        PoolBackend pools = backend();
        pools.createPool(spec("q", 16, 2L * BLOCK, PoolSpec.OnFull.ERROR, 0));
        try (BlockStore s = pools.create(new StoreSpec("vm1", 8L * BLOCK, 4096, "esx1"))) {
            write(s, 0, pattern(BLOCK, 1));
            write(s, BLOCK, pattern(BLOCK, 2));
            CapacityExceededException e = assertThrows(CapacityExceededException.class,
                    () -> write(s, 2L * BLOCK, pattern(4096, 3)));
            assertEquals("pool: store vm1: quota of 128K reached in pool q", e.getMessage());
            write(s, 100, pattern(4096, 4));   // within its own blocks: still fine
            assertArrayEquals(pattern(4096, 4), read(s, 100, 4096));
            assertArrayEquals(pattern(BLOCK, 2), read(s, BLOCK, BLOCK));
            assertArrayEquals(new byte[4096], read(s, 2L * BLOCK, 4096));
            s.trim(BLOCK, BLOCK);
            s.flush();
            write(s, 5L * BLOCK, pattern(BLOCK, 5));   // a returned block makes room under the quota
            assertArrayEquals(pattern(BLOCK, 5), read(s, 5L * BLOCK, BLOCK));
        }
        assertTrue(pools.snapshot().stream().anyMatch(m -> m.name().equals("pool.quota.refusals") && m.value() == 1));
    }

    @Test
    void aFullPoolFailsAtOnceOrQueuesUntilBlocksAreReturned() throws Exception {
        PoolBackend pools = backend();
        pools.createPool(spec("full", 4, 0, PoolSpec.OnFull.ERROR, 0));
        try (BlockStore s = pools.create(new StoreSpec("a", 4L * BLOCK, 4096, "esx1"));
             BlockStore other = pools.create(new StoreSpec("b", 4L * BLOCK, 4096, "esx1"))) {
            write(s, 0, pattern(4 * BLOCK, 1));
            CapacityExceededException e = assertThrows(CapacityExceededException.class,
                    () -> write(other, 0, pattern(512, 2)));
            assertEquals("pool: pool full is full: no free block for store b (--on-full error)", e.getMessage());
            assertArrayEquals(pattern(4 * BLOCK, 1), read(s, 0, 4 * BLOCK), "nothing written is lost");
            assertArrayEquals(new byte[512], read(other, 0, 512));
        }
        backend.close();

        backend = new PoolBackend(new FakeHosts(), dir.resolve("registry2"), "", Duration.ofSeconds(30));
        PoolBackend queued = backend;
        queued.createPool(spec("queued", 4, 0, PoolSpec.OnFull.QUEUE, 0));
        BlockStore a = queued.create(new StoreSpec("qa", 4L * BLOCK, 4096, "esx1"));
        BlockStore b = queued.create(new StoreSpec("qb", 4L * BLOCK, 4096, "esx1"));
        write(a, 0, pattern(4 * BLOCK, 1));
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                started.countDown();
                write(b, 0, pattern(BLOCK, 9));
            } catch (StorageException ex) {
                throw new IllegalStateException(ex);
            }
        });
        started.await();
        // The writer queues: it can finish only after a block is returned.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (metric(queued, "pool.full.waits") < 1 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, metric(queued, "pool.full.waits"), "the writer queued");
        assertFalse(waiting.isDone(), "no block is free: the writer waits (up to 30 s)");
        a.trim(0, BLOCK);
        a.flush();
        waiting.get(10, TimeUnit.SECONDS);
        assertArrayEquals(pattern(BLOCK, 9), read(b, 0, BLOCK));
        assertArrayEquals(Arrays.copyOfRange(pattern(4 * BLOCK, 1), BLOCK, 4 * BLOCK), read(a, BLOCK, 3 * BLOCK));
        a.close();
        b.close();
    }

    @Test
    void aQueuedWriteFailsAfterItsBoundedWait() throws Exception {
        backend = new PoolBackend(new FakeHosts(), dir.resolve("registry"), "", Duration.ofMillis(50));
        backend.createPool(spec("tiny", 1, 0, PoolSpec.OnFull.QUEUE, 0));
        try (BlockStore s = backend.create(new StoreSpec("t", BLOCK, 4096, "esx1"));
             BlockStore u = backend.create(new StoreSpec("u", BLOCK, 4096, "esx1"))) {
            write(s, 0, pattern(512, 1));
            CapacityExceededException e = assertThrows(CapacityExceededException.class, () -> write(u, 0, pattern(512, 2)));
            assertEquals("pool: pool tiny is full: no free block for store u after waiting 50 ms (--on-full queue)",
                    e.getMessage());
        }
    }

    @Test
    void trimReturnsWholeBlocksAndZeroesPartsOfBlocks() throws Exception {
        PoolBackend pools = backend();
        pools.createPool(spec("trim", 8, 0, PoolSpec.OnFull.ERROR, 0));
        try (BlockStore s = pools.create(new StoreSpec("t", 4L * BLOCK, 4096, "esx1"))) {
            write(s, 0, pattern(4 * BLOCK, 1));
            s.trim(BLOCK / 2, 2L * BLOCK);   // half of block 0, all of block 1, half of block 2
            s.flush();
            PoolInfo info = pools.info("trim");
            assertEquals(3, info.used(), "one whole block returned");
            assertEquals(List.of(new PoolInfo.DiskUsage("t", "esx1", 4L * BLOCK, 3)), info.disks());
            byte[] expected = pattern(4 * BLOCK, 1);
            Arrays.fill(expected, BLOCK / 2, BLOCK / 2 + 2 * BLOCK, (byte) 0);
            assertArrayEquals(expected, read(s, 0, 4 * BLOCK));
        }
    }

    @Test
    void theLowWaterMarkIsReportedOnTheMetricsApi() throws Exception {
        PoolBackend pools = backend();
        pools.createPool(spec("lw", 8, 0, PoolSpec.OnFull.ERROR, 2));
        try (BlockStore s = pools.create(new StoreSpec("d", 8L * BLOCK, 4096, "esx1"))) {
            write(s, 0, pattern(5 * BLOCK, 1));
            assertEquals(0, metric(pools, "pool.lowwater"));
            write(s, 5L * BLOCK, pattern(BLOCK, 2));   // 2 free: at the mark
            assertEquals(1, metric(pools, "pool.lowwater"));
            assertEquals(1, metric(pools, "pool.lowwater.events"));
            write(s, 6L * BLOCK, pattern(BLOCK, 3));
            assertEquals(1, metric(pools, "pool.lowwater.events"), "one event per crossing");
            s.trim(0, 4L * BLOCK);
            s.flush();
            assertEquals(0, metric(pools, "pool.lowwater"));
            assertEquals(5, metric(pools, "pool.blocks.free"));
        }
    }

    private static double metric(PoolBackend pools, String name) {
        return pools.snapshot().stream().filter(m -> m.name().equals(name)).mapToDouble(Metric::value).findFirst()
                .orElseThrow();
    }

    @Test
    void aPoolFileThatIsTruncatedOrWhoseMetadataIsCorruptIsRefusedByName() throws Exception {
        PoolBackend pools = backend();
        pools.createPool(spec("bad", 8, 0, PoolSpec.OnFull.ERROR, 0));
        try (BlockStore s = pools.create(new StoreSpec("d", 2L * BLOCK, 4096, "esx1"))) {
            write(s, 0, pattern(BLOCK, 1));
            s.flush();
        }
        pools.close();
        try (RandomAccessFile raf = new RandomAccessFile(dir.resolve("bad.img").toFile(), "rw")) {
            raf.setLength(5L * BLOCK);
        }
        PoolBackend reopened = backend();
        StorageException e = assertThrows(StorageException.class, () -> reopened.open("d", "esx1"));
        assertEquals("pool: no store d in any pool", e.getMessage());
        StorageException why = assertThrows(StorageException.class, () -> reopened.info("bad"));
        assertTrue(why.getMessage().startsWith("pool: pool bad: pool file " + dir.resolve("bad.img")
                + " is truncated: 327680 bytes, expected 524288"), why.getMessage());
        assertTrue(reopened.status().detail().contains("truncated"), reopened.status().detail());
        reopened.close();

        try (RandomAccessFile raf = new RandomAccessFile(dir.resolve("bad.img").toFile(), "rw")) {
            raf.setLength(8L * BLOCK);
        }
        Path map = PoolLog.snapshotFile(dir.resolve("bad.img"));
        byte[] bytes = Files.readAllBytes(map);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(map, bytes);
        PoolBackend corrupt = backend();
        StorageException c = assertThrows(StorageException.class, () -> corrupt.info("bad"));
        assertEquals("pool: pool bad: metadata unreadable: " + map + ": its checksum does not match (corrupt)", c.getMessage());
    }

    @Test
    void aTornLastLogRecordIsCutOffAndEveryCommittedAllocationSurvives() throws Exception {
        PoolBackend pools = backend();
        pools.createPool(spec("torn", 8, 0, PoolSpec.OnFull.ERROR, 0));
        try (BlockStore s = pools.create(new StoreSpec("d", 4L * BLOCK, 4096, "esx1"))) {
            write(s, 0, pattern(2 * BLOCK, 1));
            s.flush();
        }
        // A crash: no close, so no checkpoint; then a half-written record at the log's end.
        Path wal = dir.resolve("torn.img.wal");
        try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 40, 2, 0}));
        }
        backend = new PoolBackend(new FakeHosts(), dir.resolve("registry"), "", Duration.ofSeconds(30));
        try (BlockStore s = backend.open("d", "esx1")) {
            assertArrayEquals(pattern(2 * BLOCK, 1), read(s, 0, 2 * BLOCK));
        }
        PoolCheck check = backend.check("torn", false);
        assertTrue(check.clean(), check.toString());
        assertEquals(2, check.owned());
    }

    @Test
    void theCheckerFindsBlocksOwnedTwiceAndLeakedBlocksAndRepairsTheLeaks() throws Exception {
        PoolBackend pools = backend();
        pools.createPool(spec("chk", 16, 0, PoolSpec.OnFull.ERROR, 0));
        try (BlockStore a = pools.create(new StoreSpec("a", 4L * BLOCK, 4096, "esx1"));
             BlockStore b = pools.create(new StoreSpec("b", 4L * BLOCK, 4096, "esx1"))) {
            write(a, 0, pattern(BLOCK, 1));
            write(b, 0, pattern(BLOCK, 2));
            a.flush();
        }
        assertTrue(pools.check("chk", false).clean());
        pools.close();
        // Damage the metadata as a bug would: block 9 marked used by no one, b's block 1 mapped onto a's block 0.
        PoolState[] state = new PoolState[1];
        try (PoolLog log = PoolLog.open(dir.resolve("chk.img"), BLOCK, 16, state)) {
            long aBlock = state[0].stores.get("a").blocks[0];
            log.append(List.of(new PoolState.Mark(9), new PoolState.MapBlock("b", 1, aBlock)));
        }
        PoolBackend damaged = backend();
        PoolCheck found = damaged.check("chk", false);
        assertEquals(List.of(9L), found.leaked());
        assertEquals(1, found.doubles().size(), found.toString());
        assertTrue(found.doubles().get(0).matches("block \\d+: a#0, b#1"), found.doubles().toString());
        PoolCheck repaired = damaged.check("chk", true);
        assertTrue(repaired.repaired());
        PoolCheck after = damaged.check("chk", false);
        assertEquals(List.of(), after.leaked(), "the leak is repaired");
        assertEquals(1, after.doubles().size(), "a block owned twice is reported, never guessed at");
        assertEquals(14, damaged.info("chk").free(), "block 9 is free again: 2 owned blocks left of 16");
    }

    @Test
    void storesAreFoundAcrossPoolsAndNewOnesGoToTheDefaultPool() throws Exception {
        backend = new PoolBackend(new FakeHosts(), dir.resolve("registry"), "p2", Duration.ofSeconds(30));
        backend.createPool(spec("p1", 4, 0, PoolSpec.OnFull.ERROR, 0));
        backend.createPool(spec("p2", 4, 0, PoolSpec.OnFull.ERROR, 0));
        backend.create(new StoreSpec("x", BLOCK, 4096, "esx1")).close();
        assertEquals(List.of("x"), backend.pool("p2").storeIds());
        PoolBackend noDefault = new PoolBackend(new FakeHosts(), dir.resolve("registry"), "", Duration.ofSeconds(30));
        try {
            StorageException e = assertThrows(StorageException.class,
                    () -> noDefault.create(new StoreSpec("y", BLOCK, 4096, "esx1")));
            assertEquals("pool: several pools (p1, p2): set defaultPool in io.vstack.storage.pool", e.getMessage());
            noDefault.open("x", "esx1").close();
        } finally {
            noDefault.close();
        }
    }
}
