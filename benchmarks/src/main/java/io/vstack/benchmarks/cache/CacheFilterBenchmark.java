package io.vstack.benchmarks.cache;

import io.vstack.api.testing.FakeHosts;
import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.io.IoException;
import io.vstack.api.storage.BackendType;
import io.vstack.benchmarks.datapath.DataPathFixture;
import io.vstack.cache.internal.block.BlockCaches;
import io.vstack.cache.internal.block.FrameBlockCache;
import io.vstack.cache.internal.filter.CacheFilterFactory;
import io.vstack.cache.internal.policy.TwoPhaseFactory;
import io.vstack.disks.internal.DiskService;
import io.vstack.storage.local.internal.LocalStorageBackend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
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
 * 4 KiB random reads over a 32 MiB region, one thread: hits of the {@code cache} filter on a real
 * virtual disk (local backend, disk manager and filter framework, a 64 MiB two-phase block cache
 * in host page frames, every block cached in setup) versus a buffered {@link FileChannel} positional
 * read of a 32 MiB file served by the OS page cache (read once in setup). Same offsets, same
 * direct destination buffer. {@code -prof gc} gives the bytes allocated per read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class CacheFilterBenchmark {

    static final long REGION = 32L << 20;
    static final int BLOCK = 4096;
    static final String HOST = "bench";

    /** {@code cache-filter}: hits through the filter on a disk handle; {@code filechannel}: the OS page cache. */
    @Param({"cache-filter", "filechannel"})
    public String path;

    private Path dir;
    private DiskService service;
    private DiskHandle handle;
    private FileChannel channel;
    private BlockCaches caches;
    private long blocks;

    @Setup(Level.Trial)
    public void build() throws IOException, IoException, DiskException {
        dir = Path.of(System.getProperty("vstack.bench.dir", "target/cache-filter-jmh"))
                .resolve(Long.toString(ProcessHandle.current().pid()));
        DataPathFixture.deleteTree(dir);
        Path stores = Files.createDirectories(dir.resolve("stores"));
        blocks = REGION / BLOCK;
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        SplittableRandom random = new SplittableRandom(7);
        if (path.equals("filechannel")) {
            channel = FileChannel.open(dir.resolve("peer.img"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            for (long offset = 0; offset < REGION; offset += chunk.capacity()) {
                fill(chunk, random);
                channel.write(chunk, offset);
            }
            channel.force(true);
            for (long offset = 0; offset < REGION; offset += chunk.capacity()) {
                chunk.clear();
                channel.read(chunk, offset);          // in the page cache now
            }
            return;
        }
        FakeHosts hosts = new FakeHosts().add(HOST, stores, 1L << 40, 128L << 20);
        LocalStorageBackend backend = new LocalStorageBackend(hosts, stores, false);
        caches = new BlockCaches(cache -> () -> { });
        caches.addHost(hosts.hosts().get(0));
        caches.addPolicy(new TwoPhaseFactory());
        caches.update("io.vstack.cache.block~bench", new Hashtable<>(Map.of("size", "64M")));
        service = new DiskService(dir.resolve("disks"), Duration.ofSeconds(30), source -> () -> { });
        service.hostAdded(hosts.hosts().get(0));
        service.backendAdded("local", backend);
        service.factoryAdded(new CacheFilterFactory(caches));
        VirtualDisk disk = service.create(DiskSpec.of("bench", REGION, BackendType.LOCAL, HOST));
        service.attach("bench", "cache", Map.of("mode", "write-through"));
        handle = disk.open("benchmark");
        for (long offset = 0; offset < REGION; offset += chunk.capacity()) {
            fill(chunk, random);
            handle.write(offset, chunk);
        }
        handle.flush();
        FrameBlockCache cache = caches.cache("bench").orElseThrow();
        ByteBuffer one = ByteBuffer.allocateDirect(BLOCK);
        for (long b = 0; b < blocks; b++) {
            one.clear();
            handle.read(b * BLOCK, one);
        }
        if (cache.stats().residentBlocks() != blocks) {
            throw new IllegalStateException("expected all " + blocks + " blocks cached: " + cache.stats());
        }
    }

    private static void fill(ByteBuffer chunk, SplittableRandom random) {
        chunk.clear();
        for (int i = 0; i < chunk.capacity(); i += 8) {
            chunk.putLong(i, random.nextLong());
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        if (caches != null) {
            long misses = caches.cache("bench").orElseThrow().stats().misses();
            System.out.println("cache misses since setup (setup and measured reads; 0 = every read was a hit): " + misses);
        }
        if (handle != null) {
            handle.close();
        }
        if (service != null) {
            service.close();
        }
        if (caches != null) {
            caches.clear();
        }
        if (channel != null) {
            channel.close();
        }
        DataPathFixture.deleteTree(dir);
    }

    /** Per-thread buffer and random stream: nothing allocated per read. */
    @State(Scope.Thread)
    public static class Reader {
        public final ByteBuffer buffer = ByteBuffer.allocateDirect(BLOCK + 4096).alignedSlice(4096).slice(0, BLOCK);
        public final SplittableRandom random = new SplittableRandom(42);
    }

    @Benchmark
    public byte randomRead4k(Reader reader) throws IOException, IoException {
        long offset = reader.random.nextLong(blocks) * BLOCK;
        ByteBuffer buffer = reader.buffer;
        buffer.clear();
        if (channel != null) {
            channel.read(buffer, offset);
        } else {
            handle.read(offset, buffer);
        }
        return buffer.get(0);
    }
}
