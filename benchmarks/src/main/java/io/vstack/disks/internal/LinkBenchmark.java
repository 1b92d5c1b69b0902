package io.vstack.disks.internal;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.storage.BackendType;
import io.vstack.api.testing.FakeHosts;
import io.vstack.api.transport.Endpoint;
import io.vstack.api.transport.TransportConnection;
import io.vstack.benchmarks.datapath.DataPathFixture;
import io.vstack.storage.local.internal.LocalStorageBackend;
import io.vstack.transport.internal.BenchTransports;
import io.vstack.transport.internal.TransportService;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Linked storage's cost per hop, all three in the same run, one thread, 4 KiB random reads of a
 * 16 MiB region (page-cached local stores): {@code local} reads disk {@code vb} of framework
 * instance B directly; {@code rtt} is one transport round trip from A to B carrying what a
 * redirected read carries (a 60-byte request, a 4 KiB reply) to an echo protocol; {@code redirect}
 * reads disk {@code va} of A, whose filter redirects every request to {@code vb} over the
 * transport. A and B are two disk managers with two transports on loopback (two processes'
 * worth, in one JVM). The cost of a hop beyond a round trip is {@code redirect - local - rtt}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Threads(1)
public class LinkBenchmark {

    static final int BLOCK = 4096;
    static final long CAPACITY = 16L << 20;

    private Path dir;
    private TransportService transportA;
    private TransportService transportB;
    private DiskService a;
    private DiskService b;
    private DiskHandle redirected;
    private DiskHandle local;
    private TransportConnection connection;
    private final ByteBuffer request = ByteBuffer.allocate(60);

    @Setup(Level.Trial)
    public void build() throws Exception {
        dir = Path.of(System.getProperty("vstack.bench.dir", "target/link-jmh")).resolve(Long.toString(ProcessHandle.current().pid()));
        DataPathFixture.deleteTree(dir);
        transportA = BenchTransports.loopback();
        transportB = BenchTransports.loopback();
        a = side("a", transportA);
        b = side("b", transportB);
        Endpoint endpointB = transportB.localEndpoint().orElseThrow();
        a.factoryAdded(new IoFilterFactory() {
            @Override
            public FilterDescriptor descriptor() {
                return new FilterDescriptor("link", FilterClass.INSPECTION, 0, "benchmark: redirects to B's vb");
            }

            @Override
            public IoFilter create(FilterContext context) {
                return (req, next) -> context.linkedStorage().redirect(req, endpointB, "vb", null);
            }
        });
        a.create(DiskSpec.of("va", CAPACITY, BackendType.LOCAL, "bench"));
        b.create(DiskSpec.of("vb", CAPACITY, BackendType.LOCAL, "bench"));
        a.attach("va", "link", Map.of());
        local = b.disk("vb").orElseThrow().open("benchmark");
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        SplittableRandom random = new SplittableRandom(3);
        for (long offset = 0; offset < CAPACITY; offset += BLOCK) {
            for (int i = 0; i < BLOCK; i += 8) {
                block.putLong(i, random.nextLong());
            }
            local.write(offset, block.clear());
        }
        local.flush();
        redirected = a.disk("va").orElseThrow().open("benchmark");
        ByteBuffer reply = ByteBuffer.allocate(BLOCK + 8);
        transportB.addHandler("bench.echo", (req, peer) -> reply.duplicate());
        connection = transportA.connect(endpointB);
    }

    private DiskService side(String name, TransportService transport) throws Exception {
        Path stores = Files.createDirectories(dir.resolve(name).resolve("stores"));
        HostRegistry hosts = new FakeHosts().add("bench", stores, 1L << 40);
        DiskService service = new DiskService(dir.resolve(name).resolve("disks"), Duration.ofSeconds(30), source -> () -> { });
        service.hostAdded(hosts.hosts().get(0));
        service.backendAdded("local", new LocalStorageBackend(hosts, stores, false));
        service.links().transport(transport);
        transport.addHandler(Links.PROTOCOL, service.links());
        return service;
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        connection.close();
        redirected.close();
        local.close();
        a.close();
        b.close();
        transportA.close();
        transportB.close();
        DataPathFixture.deleteTree(dir);
    }

    /** Per-thread buffer and random stream. */
    @State(Scope.Thread)
    public static class Reader {
        final ByteBuffer buffer = ByteBuffer.allocate(BLOCK);
        final SplittableRandom random = new SplittableRandom(42);
    }

    @Benchmark
    public byte local(Reader reader) throws Exception {
        ByteBuffer buffer = reader.buffer;
        buffer.clear();
        local.read(reader.random.nextLong(CAPACITY / BLOCK) * BLOCK, buffer);
        return buffer.get(0);
    }

    @Benchmark
    public int rtt() throws Exception {
        return connection.call("bench.echo", request.clear(), Duration.ofSeconds(30)).remaining();
    }

    @Benchmark
    public byte redirect(Reader reader) throws Exception {
        ByteBuffer buffer = reader.buffer;
        buffer.clear();
        redirected.read(reader.random.nextLong(CAPACITY / BLOCK) * BLOCK, buffer);
        return buffer.get(0);
    }
}
