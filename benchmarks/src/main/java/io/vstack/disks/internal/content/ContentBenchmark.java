package io.vstack.disks.internal.content;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.storage.BackendType;
import io.vstack.api.testing.FakeHosts;
import io.vstack.benchmarks.datapath.DataPathFixture;
import io.vstack.disks.internal.DiskService;
import io.vstack.storage.local.internal.LocalStorageBackend;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Dynamic content disks (US20170060610), on the real local backend (page cache):
 * <ul>
 * <li>{@code synthesize10k}: the synthesis of the FAT32 volume of an app set of 10,000 files
 * (100 directories of 100, long names), target at most 1 s;</li>
 * <li>{@code readContentDisk} against {@code readAppDisk}: 64 KiB random reads of the files'
 * bytes through the content disk (its writable child, the synthesized base, redirected to the
 * app disk's handle) and the same bytes read through the app disk's own handle, in the same run;
 * target: the content disk at least 95 % of the app disk.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Threads(1)
public class ContentBenchmark {

    private static final String HOST = "bench";
    private static final int READ = 64 << 10;
    private static final int FILES = 64;
    private static final int FILE_SIZE = 1 << 20;

    private Path directory;
    private DiskService service;
    private DiskHandle content;
    private DiskHandle app;
    private long contentStart;
    private final SplittableRandom random = new SplittableRandom(11);
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(READ);
    private List<AppFile> tenThousand;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        tenThousand = new ArrayList<>();
        long at = FatVolume.CLUSTER;
        for (int d = 0; d < 100; d++) {
            for (int f = 0; f < 100; f++) {
                int size = 1 + (d * 100 + f) * 37 % 20_000;
                tenThousand.add(AppFile.file("Application Directory " + d + "/Library Module Number " + f + ".dll", size,
                        1_600_000_000_000L, at));
                at += (size + FatVolume.CLUSTER - 1) / FatVolume.CLUSTER * FatVolume.CLUSTER;
            }
        }
        directory = Files.createTempDirectory("vstack-content-bench");
        Path stores = Files.createDirectories(directory.resolve("stores"));
        FakeHosts hosts = new FakeHosts().add(HOST, stores, 1L << 40);
        service = new DiskService(directory.resolve("disks"), Duration.ofSeconds(30), source -> () -> { });
        service.hostAdded(hosts.hosts().get(0));
        service.backendAdded("local", new LocalStorageBackend(hosts, stores, false));
        ContentBackend backend = new ContentBackend(directory.resolve("content"), service);
        service.backendAdded(ContentBackend.CONTENT.id(), backend);
        service.create(DiskSpec.of("apps", 128L << 20, BackendType.LOCAL, HOST));
        Path tree = Files.createDirectories(directory.resolve("tree"));
        byte[] bytes = new byte[FILE_SIZE];
        for (int f = 0; f < FILES; f++) {
            new SplittableRandom(f).nextBytes(bytes);
            Files.write(tree.resolve(String.format("application %02d.bin", f)), bytes);
        }
        backend.createContentDisk("office", "apps", List.of(tree), HOST, BackendType.LOCAL, 0);
        AppSet.Catalog catalog;
        app = service.disk("apps").orElseThrow().open("benchmark");
        catalog = AppSet.read(app, "apps");
        contentStart = FatVolume.build(catalog.entries(), 0, 0).fileRegionStart();
        content = service.disk("office").orElseThrow().open("benchmark");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        content.close();
        app.close();
        service.close();
        DataPathFixture.deleteTree(directory);
    }

    /** A random 64 KiB-aligned offset within the files' bytes (relative to their start). */
    private long nextOffset() {
        return (long) random.nextInt(FILES * FILE_SIZE / READ) * READ;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public ByteBuffer readContentDisk() throws Exception {
        buffer.clear();
        content.read(contentStart + nextOffset(), buffer);
        return buffer;
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public ByteBuffer readAppDisk() throws Exception {
        buffer.clear();
        app.read(FatVolume.CLUSTER + nextOffset(), buffer);
        return buffer;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public FatVolume synthesize10k() {
        return FatVolume.build(tenThousand, 16_384, 1);
    }
}
