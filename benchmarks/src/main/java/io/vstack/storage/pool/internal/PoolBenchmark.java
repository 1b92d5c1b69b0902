package io.vstack.storage.pool.internal;

import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StoreSpec;
import io.vstack.api.testing.FakeHosts;
import io.vstack.benchmarks.datapath.DataPathFixture;
import io.vstack.storage.local.internal.LocalStorageBackend;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The elastic temporary pool's two targets, each with its peer in the same run, one thread:
 * <ul>
 * <li>{@code firstWrite} writes {@code size} bytes at the start of each of {@value #BATCH} pool
 * blocks a disk has never written (so each write takes a block: blocks a deleted disk returned,
 * written before, as in steady use); {@code preallocatedWrite} writes the same to blocks the
 * disk holds already. Both are timed per batch of {@value #BATCH} writes to the page cache; the
 * ratio is the first-write overhead. At 64 KiB the block is fully overwritten; at 4 KiB the
 * returned block is zeroed around the write (a 64 KiB write).</li>
 * <li>{@code reclaim} deletes a disk holding 10 GiB of 64 KiB pool blocks (163,840 blocks in a
 * sparse 10 GiB pool file, each block allocated by a 512-byte first write, committed): its
 * blocks are free when it returns (the deletion committed with an fsync). Its peer
 * {@code localDelete} deletes a local-backend store of 10 GiB with the same 163,840 writes (an
 * unlink of a sparse file).</li>
 * </ul>
 * Scratch files under {@code -Dvstack.bench.dir} (default {@code benchmarks/target/pool-jmh}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"})
@Threads(1)
public class PoolBenchmark {

    static final int BLOCK = 64 << 10;
    static final int BATCH = 2048;
    static final long TEN_GIB = 10L << 30;

    /** The first-write pair: one pool, a disk re-created before each batch, a preallocated disk beside it. */
    @State(Scope.Benchmark)
    public static class Writes {
        @Param({"65536", "4096"})
        int size;

        Path dir;
        PoolBackend pools;
        BlockStore fresh;
        BlockStore held;
        ByteBuffer buffer;
        int next;

        @Setup(Level.Trial)
        public void trial() throws Exception {
            dir = scratch("writes");
            pools = new PoolBackend(new FakeHosts(), dir.resolve("registry"), "", Duration.ofSeconds(1));
            pools.createPool(new PoolSpec("bench", dir.resolve("bench.pool"), 3L * BATCH * BLOCK, BLOCK, 0,
                    PoolSpec.OnFull.ERROR, 0));
            buffer = ByteBuffer.allocateDirect(BLOCK);
            while (buffer.hasRemaining()) {
                buffer.put((byte) 0x5a);
            }
            held = pools.create(new StoreSpec("held", (long) BATCH * BLOCK, 4096, "h1"));
            fresh = pools.create(new StoreSpec("fresh", (long) BATCH * BLOCK, 4096, "h1"));
            for (int i = 0; i < BATCH; i++) {
                write(held, i);
                write(fresh, i);   // every block of the pool has been written once: first writes take used blocks
            }
            held.flush();
        }

        /** A fresh disk before each batch; the previous one's blocks return to the pool. */
        @Setup(Level.Iteration)
        public void iteration() throws Exception {
            fresh.close();
            pools.delete("fresh");
            fresh = pools.create(new StoreSpec("fresh", (long) BATCH * BLOCK, 4096, "h1"));
            next = 0;
        }

        void write(BlockStore store, int block) throws Exception {
            buffer.clear().limit(size);
            store.write((long) block * BLOCK, buffer);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            pools.close();
            DataPathFixture.deleteTree(dir);
        }
    }

    @Benchmark
    @Warmup(iterations = 3, batchSize = BATCH)
    @Measurement(iterations = 5, batchSize = BATCH)
    public void firstWrite(Writes w) throws Exception {
        w.write(w.fresh, w.next++);
    }

    @Benchmark
    @Warmup(iterations = 3, batchSize = BATCH)
    @Measurement(iterations = 5, batchSize = BATCH)
    public void preallocatedWrite(Writes w) throws Exception {
        w.write(w.held, w.next++ % BATCH);
    }

    /** Scratch directory {@code name}, emptied. */
    static Path scratch(String name) throws Exception {
        Path dir = Path.of(System.getProperty("vstack.bench.dir", "benchmarks/target/pool-jmh")).toAbsolutePath().resolve(name);
        DataPathFixture.deleteTree(dir);
        Files.createDirectories(dir);
        return dir;
    }

    /** Writes 512 bytes at the start of each 64 KiB of a 10 GiB store, and flushes. */
    static void fill(BlockStore store, ByteBuffer small) throws Exception {
        for (long b = 0; b < TEN_GIB / BLOCK; b++) {
            small.clear();
            store.write(b * BLOCK, small);
        }
        store.flush();
    }

    /**
     * The reclaim target: before each deletion, a fresh sparse pool (so the 512-byte first writes
     * land in clean blocks and need no zeroing) and a disk holding all its 10 GiB of blocks.
     */
    @State(Scope.Benchmark)
    public static class PoolReclaim {
        Path dir;
        Path round;
        PoolBackend pools;
        int rounds;
        final ByteBuffer small = ByteBuffer.allocateDirect(512);

        @Setup(Level.Trial)
        public void trial() throws Exception {
            dir = scratch("reclaim");
        }

        @Setup(Level.Invocation)
        public void fillDisk() throws Exception {
            round = dir.resolve("round" + rounds++);
            pools = new PoolBackend(new FakeHosts(), round.resolve("registry"), "", Duration.ofSeconds(1));
            pools.createPool(new PoolSpec("big", round.resolve("big.pool"), TEN_GIB, BLOCK, 0, PoolSpec.OnFull.ERROR, 0));
            try (BlockStore vm = pools.create(new StoreSpec("vm", TEN_GIB, 4096, "h1"))) {
                fill(vm, small);
            }
            if (pools.info("big").used() != TEN_GIB / BLOCK) {
                throw new IllegalStateException("the disk holds " + pools.info("big").used() + " blocks");
            }
        }

        @TearDown(Level.Invocation)
        public void allFree() throws Exception {
            long free = pools.info("big").free();
            pools.close();
            DataPathFixture.deleteTree(round);
            if (free != TEN_GIB / BLOCK) {
                throw new IllegalStateException((TEN_GIB / BLOCK - free) + " blocks still used after the deletion");
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            DataPathFixture.deleteTree(dir);
        }
    }

    /** The peer: before each deletion, a local-backend store of 10 GiB written alike. */
    @State(Scope.Benchmark)
    public static class LocalReclaim {
        Path dir;
        LocalStorageBackend local;
        final ByteBuffer small = ByteBuffer.allocateDirect(512);

        @Setup(Level.Trial)
        public void trial() throws Exception {
            dir = scratch("local");
            local = new LocalStorageBackend(new FakeHosts(), dir, false);
        }

        @Setup(Level.Invocation)
        public void fillStore() throws Exception {
            try (BlockStore file = local.create(new StoreSpec("vm", TEN_GIB, 4096, "h1"))) {
                fill(file, small);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            DataPathFixture.deleteTree(dir);
        }
    }

    @Benchmark
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public void reclaim(PoolReclaim r) throws Exception {
        r.pools.delete("vm");
    }

    @Benchmark
    @Warmup(iterations = 1)
    @Measurement(iterations = 3)
    public void localDelete(LocalReclaim r) throws Exception {
        r.local.delete("vm");
    }
}
