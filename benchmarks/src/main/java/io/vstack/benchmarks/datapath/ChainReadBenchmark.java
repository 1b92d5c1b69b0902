package io.vstack.benchmarks.datapath;

import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.io.IoException;
import io.vstack.api.storage.BackendType;
import io.vstack.disks.internal.DiskService;
import io.vstack.storage.local.internal.LocalStorageBackend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
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
 * 4 KiB random reads through a chain of differencing disks of depth 1 (one disk) and 8 (a base
 * and seven differencing disks over it), on the real local backend, page cache (no
 * {@code O_DIRECT}) so that the layer's own cost shows. At depth 8 block {@code b} is written in
 * member {@code b % 8}: reads spread evenly over the eight stores. Every block is written, so no
 * read hits a hole. Target: depth 8 costs at most 1.1x depth 1 (the block lookup is one array
 * read, whatever the depth).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class ChainReadBenchmark {

    static final long CAPACITY = 128L << 20;
    static final int BLOCK = 4096;

    /** Disks in the chain read through. */
    @Param({"1", "8"})
    public int depth;

    private Path directory;
    private LocalStorageBackend backend;
    private DiskService service;
    private DiskHandle handle;
    private long blocks;

    @Setup(Level.Trial)
    public void build() throws IOException, IoException, DiskException {
        directory = Path.of(System.getProperty("vstack.bench.dir", "target/chain-jmh"))
                .resolve(Long.toString(ProcessHandle.current().pid()));
        DataPathFixture.deleteTree(directory);
        Files.createDirectories(directory);
        DataPathFixture.OneHost hosts = new DataPathFixture.OneHost();
        backend = new LocalStorageBackend(hosts, DataPathFixture.config(directory.resolve("stores"), false), null);
        service = new DiskService(directory.resolve("disks"), Duration.ofSeconds(30), source -> () -> { });
        service.hostAdded(hosts.hosts().get(0));
        service.backendAdded("local", backend);
        blocks = CAPACITY / BLOCK;
        VirtualDisk disk = null;
        for (int level = depth - 1; level >= 0; level--) {
            // level = the member's index in the finished chain: depth-1 is the base, 0 the top.
            String name = "chain" + level;
            Optional<String> parent = disk == null ? Optional.empty() : Optional.of(disk.id());
            disk = service.create(new DiskSpec(name, CAPACITY, BLOCK, BackendType.LOCAL, DataPathFixture.HOST, parent));
            fill(disk, level);
        }
        handle = disk.open("benchmark");
        if (service.chain(disk.id()).size() != depth) {
            throw new IllegalStateException("built a chain of " + service.chain(disk.id()));
        }
    }

    /** Writes the blocks member {@code level} holds: every block at depth 1, {@code b % depth == level} otherwise. */
    private void fill(VirtualDisk disk, int level) throws IoException {
        SplittableRandom random = new SplittableRandom(7 + level);
        ByteBuffer buffer = ByteBuffer.allocateDirect(BLOCK);
        try (DiskHandle h = disk.open("fill")) {
            for (long b = level; b < blocks; b += depth) {
                buffer.clear();
                for (int i = 0; i < BLOCK; i += 8) {
                    buffer.putLong(i, random.nextLong());
                }
                h.write(b * BLOCK, buffer);
            }
            h.flush();
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        handle.close();
        service.close();
        DataPathFixture.deleteTree(directory);
    }

    /** Per-thread buffer and random stream: nothing allocated per read. */
    @State(Scope.Thread)
    public static class Reader {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(BLOCK);
        final SplittableRandom random = new SplittableRandom(42);
    }

    @Benchmark
    public byte randomRead4k(Reader reader) throws IoException {
        long offset = reader.random.nextLong(blocks) * BLOCK;
        ByteBuffer buffer = reader.buffer;
        buffer.clear();
        handle.read(offset, buffer);
        return buffer.get(0);
    }
}
