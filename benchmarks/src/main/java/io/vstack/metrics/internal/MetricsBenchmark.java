package io.vstack.metrics.internal;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.metrics.MetricSource;
import io.vstack.api.storage.BackendType;
import io.vstack.api.testing.FakeHosts;
import io.vstack.benchmarks.cache.CacheFilterBenchmark;
import io.vstack.benchmarks.datapath.DataPathFixture;
import io.vstack.cache.internal.block.BlockCaches;
import io.vstack.cache.internal.filter.CacheFilterFactory;
import io.vstack.cache.internal.policy.TwoPhaseFactory;
import io.vstack.disks.internal.DiskService;
import io.vstack.storage.local.internal.LocalStorageBackend;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * The metrics figures of docs/BENCHMARKS.md ("Metrics"), on real virtual disks (local backend, disk
 * manager and filter framework, every disk's {@link MetricSource} in a {@link MetricsCollector}):
 * <ul>
 * <li>{@link #scrape}: {@code GET /metrics} over loopback HTTP from the metrics server, with
 *     {@code disks} disks while two load threads issue 4 KiB random reads and writes across them
 *     (sample mode: the p99 is the figure);</li>
 * <li>{@link #read4k}: a 4 KiB cache-hit read through the {@code cache} filter, without a scraper
 *     and with one that renders the whole exposition every {@code 100 ms} (ten times the dashboard's
 *     rate), in the same run.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Threads(1)
public class MetricsBenchmark {

    static final int BLOCK = 4096;
    static final long DISK = 1L << 20;
    static final String HOST = "bench";

    /** How many disks publish their figures. */
    @Param("100")
    public int disks;

    /** Threads of 4 KiB random I/O across the disks while {@link #scrape} runs (each as fast as it can). */
    @Param("2")
    public int loadThreads;

    /** {@code none}, or {@code active}: a thread renders the exposition every 100 ms. */
    @Param({"none", "active"})
    public String scraper;

    private Path dir;
    private DiskService service;
    private BlockCaches caches;
    private final MetricsCollector collector = new MetricsCollector();
    private MetricsHttpServer server;
    private HttpClient http;
    private URI metrics;
    private final List<DiskHandle> handles = new ArrayList<>();
    private DiskHandle hot;
    private final List<Thread> background = new ArrayList<>();
    private volatile boolean running = true;
    private final AtomicLong scrapes = new AtomicLong();
    private final AtomicLong loadOps = new AtomicLong();

    @Setup(Level.Trial)
    public void build() throws Exception {
        dir = Path.of(System.getProperty("vstack.bench.dir", "target/metrics-jmh")).resolve(Long.toString(ProcessHandle.current().pid()));
        DataPathFixture.deleteTree(dir);
        Path stores = Files.createDirectories(dir.resolve("stores"));
        FakeHosts hosts = new FakeHosts().add(HOST, stores, 1L << 40, 128L << 20);
        LocalStorageBackend backend = new LocalStorageBackend(hosts, stores, false);
        caches = new BlockCaches(cache -> () -> { });
        caches.addHost(hosts.hosts().get(0));
        caches.addPolicy(new TwoPhaseFactory());
        caches.update("io.vstack.cache.block~bench", new Hashtable<>(Map.of("size", "16M")));
        AtomicLong ids = new AtomicLong();
        service = new DiskService(dir.resolve("disks"), Duration.ofSeconds(30), source -> {
            Map<String, Object> properties = Map.of(MetricSource.SOURCE_PROPERTY, source.source(), "service.id", ids.incrementAndGet());
            collector.addSource(source, properties);
            return () -> collector.removeSource(source, properties);
        });
        service.hostAdded(hosts.hosts().get(0));
        service.backendAdded("local", backend);
        service.factoryAdded(new CacheFilterFactory(caches));
        ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
        for (int i = 0; i < disks; i++) {
            VirtualDisk disk = service.create(DiskSpec.of("d" + i, DISK, BackendType.LOCAL, HOST));
            DiskHandle handle = disk.open("benchmark");
            for (long offset = 0; offset < DISK; offset += BLOCK) {
                block.clear();
                block.putLong(0, offset);
                handle.write(offset, block);
            }
            handles.add(handle);
        }
        service.attach("d0", "cache", Map.of("mode", "write-through"));
        hot = service.disk("d0").orElseThrow().open("benchmark-hot");
        for (long offset = 0; offset < DISK; offset += BLOCK) {
            block.clear();
            hot.read(offset, block);           // every block of d0 cached
        }
        server = new MetricsHttpServer(new MetricsHttpServer.Settings(true, InetAddress.getLoopbackAddress(), 0), collector);
        server.awaitControl();
        metrics = URI.create("http://127.0.0.1:" + server.address().orElseThrow().getPort() + "/metrics");
        http = HttpClient.newHttpClient();
    }

    /** The background scraper of {@link #read4k}'s {@code active} case. */
    @Setup(Level.Trial)
    public void startBackground() {
        if (scraper.equals("active")) {
            background.add(start("bench-scraper", () -> {
                OutputStream sink = OutputStream.nullOutputStream();
                while (running) {
                    PrometheusExport.write(collector.collect(), collector.failures(), sink);
                    scrapes.incrementAndGet();
                    Thread.sleep(100);
                }
            }));
        }
    }

    private Thread start(String name, Work work) {
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (Exception e) {
                throw new IllegalStateException(name + " failed", e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private interface Work {
        void run() throws Exception;
    }

    private void startLoad() {
        for (int t = 0; t < loadThreads; t++) {
            int seed = t;
            background.add(start("bench-load-" + t, () -> {
                SplittableRandom random = new SplittableRandom(seed);
                ByteBuffer buffer = ByteBuffer.allocateDirect(BLOCK);
                while (running) {
                    DiskHandle h = handles.get(1 + random.nextInt(handles.size() - 1));
                    buffer.clear();
                    long offset = random.nextLong(DISK / BLOCK) * BLOCK;
                    if (random.nextBoolean()) {
                        h.read(offset, buffer);
                    } else {
                        h.write(offset, buffer);
                    }
                    loadOps.incrementAndGet();
                }
            }));
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        running = false;
        for (Thread t : background) {
            t.join(10_000);
        }
        System.out.println("background scrapes: " + scrapes.get() + ", load ops: " + loadOps.get()
                + ", sources: " + collector.names().size());
        server.deactivate();
        hot.close();
        for (DiskHandle h : handles) {
            h.close();
        }
        service.close();
        caches.clear();
        DataPathFixture.deleteTree(dir);
    }

    /** One {@code GET /metrics} of {@code disks} disks under load; run with {@code -p scraper=none}. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int scrape(LoadState load) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /metrics: " + response.statusCode());
        }
        return response.body().length;
    }

    /** Starts the load threads ({@code loadThreads} of 4 KiB random reads and writes across every disk but d0) once per trial, for {@link #scrape} only. */
    @State(Scope.Benchmark)
    public static class LoadState {
        @Setup(Level.Trial)
        public void start(MetricsBenchmark benchmark) {
            benchmark.startLoad();
        }
    }

    /** A 4 KiB cache-hit read of d0 through the cache filter. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte read4k(CacheFilterBenchmark.Reader reader) throws Exception {
        long offset = reader.random.nextLong(DISK / BLOCK) * BLOCK;
        ByteBuffer buffer = reader.buffer;
        buffer.clear();
        hot.read(offset, buffer);
        return buffer.get(0);
    }
}
