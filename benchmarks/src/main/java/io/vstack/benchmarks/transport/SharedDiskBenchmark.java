package io.vstack.benchmarks.transport;

import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StoreSpec;
import io.vstack.api.testing.FakeHosts;
import io.vstack.storage.local.internal.LocalStorageBackend;
import io.vstack.storage.shared.internal.SharedDiskBackend;
import io.vstack.storage.shared.internal.SharedDiskServer;
import io.vstack.storage.shared.internal.SharedLuns;
import io.vstack.transport.internal.TransportService;
import io.vstack.transport.internal.TransportSettings;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The shared virtual disk (WO2014197289, issue 20) against the same LUN file opened locally:
 * 4 KiB random reads at queue depth 8 (8 threads) over the shared-disk protocol
 * ({@code sharedRead4k}, a disk server and a client on two loopback transports) and straight
 * from the local backend's store that holds the LUN ({@code localRead4k}); and a persistent
 * reservation command ({@code prRegisterIgnore}: REGISTER AND IGNORE EXISTING KEY from one host,
 * persisted with an fsync before the answer, as APTPL asks). Its peer, the TCP round trip, is
 * {@link DiskSharingBenchmark#tcpRoundTrip64} in the same run:
 * <pre>java -cp $CP org.openjdk.jmh.Main "SharedDiskBenchmark|DiskSharingBenchmark.tcpRoundTrip64" -f 2 -wi 2 -i 3</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SharedDiskBenchmark {

    private static final long REGION = 64L << 20;
    private static final int BLOCK = 4096;

    /** A disk server with one LUN, a client backend on another transport, and both views of the LUN. */
    @State(Scope.Benchmark)
    public static class Lun {
        Path directory;
        TransportService serverTransport;
        TransportService clientTransport;
        SharedDiskBackend backend;
        SharedLuns luns;
        BlockStore shared;
        BlockStore local;
        long key;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            directory = Files.createTempDirectory(Path.of(System.getProperty("vstack.bench.dir", "/tmp")),
                    "vstack-shared-bench");
            FakeHosts hosts = FakeHosts.withLocalDevices(directory.resolve("hosts"), 1L << 30, "esx1");
            LocalStorageBackend localBackend = new LocalStorageBackend(hosts, directory.resolve("stores"), false);
            serverTransport = new TransportService(TransportSettings.loopback()).start();
            serverTransport.addHandler(SharedDiskServer.PROTOCOL,
                    new SharedDiskServer(localBackend, "esx1", directory.resolve("state")));
            clientTransport = new TransportService(TransportSettings.loopback()).start();
            backend = new SharedDiskBackend(clientTransport, serverTransport.localEndpoint().orElseThrow(),
                    Duration.ofSeconds(10));
            luns = new SharedLuns(backend);
            shared = backend.create(new StoreSpec("bench", REGION, BLOCK, "esx1"));
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
            for (long offset = 0; offset < REGION; offset += chunk.capacity()) {
                ThreadLocalRandom.current().nextBytes(chunk.array());
                shared.write(offset, chunk.clear());
            }
            shared.flush();
            local = localBackend.open(SharedDiskServer.STORE_PREFIX + "bench", "esx1");
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            shared.close();
            local.close();
            backend.delete("bench");
            clientTransport.close();
            serverTransport.close();
        }
    }

    /** A reusable 4 KiB buffer per thread. */
    @State(Scope.Thread)
    public static class Buffer {
        final ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
    }

    private static long randomBlock() {
        return ThreadLocalRandom.current().nextLong(REGION / BLOCK) * BLOCK;
    }

    @Benchmark
    @Threads(8)
    public ByteBuffer sharedRead4k(Lun lun, Buffer buffer) throws Exception {
        lun.shared.read(randomBlock(), buffer.block.clear());
        return buffer.block;
    }

    @Benchmark
    @Threads(8)
    public ByteBuffer localRead4k(Lun lun, Buffer buffer) throws Exception {
        lun.local.read(randomBlock(), buffer.block.clear());
        return buffer.block;
    }

    @Benchmark
    public String prRegisterIgnore(Lun lun) throws Exception {
        return lun.luns.reserveOut("bench", "esx1", "register-ignore", null, 0, ++lun.key);
    }
}
