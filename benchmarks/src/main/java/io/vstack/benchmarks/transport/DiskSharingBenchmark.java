package io.vstack.benchmarks.transport;

import io.vstack.api.transport.TransportConnection;
import io.vstack.transport.internal.TransportService;
import io.vstack.transport.internal.TransportSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
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

/**
 * Disk access and sharing (issue 20), sample mode: the transport's round trip with a 64 B request
 * and a 64 B reply ({@code transportRoundTrip64}), its peer in the same run a bare blocking TCP
 * ping-pong of 64 B on loopback with TCP_NODELAY ({@code tcpRoundTrip64}), and the cooperative
 * hand-off from the request to the new owner's first 4 KiB write ({@code handOffToFirstWrite}:
 * ask the owner over the transport, it fences, drains, flushes and records the release, the
 * requester records epoch + 1, opens the disk and writes; the disk alternates between the hosts).
 * <pre>java -cp $CP org.openjdk.jmh.Main DiskSharingBenchmark -f 2 -wi 2 -i 3</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DiskSharingBenchmark {

    /** A transport echoing 64 B, and one connection to it. */
    @State(Scope.Benchmark)
    public static class Transports {
        TransportService server;
        TransportService client;
        TransportConnection connection;
        final ByteBuffer request = ByteBuffer.allocate(64);

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            server = new TransportService(TransportSettings.loopback()).start();
            server.addHandler("echo", (payload, peer) -> payload);
            client = new TransportService(TransportSettings.loopback()).start();
            connection = client.connect(server.localEndpoint().orElseThrow());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            connection.close();
            client.close();
            server.close();
        }
    }

    /** A bare TCP echo of 64 B on a thread of its own. */
    @State(Scope.Benchmark)
    public static class Tcp {
        ServerSocketChannel listener;
        SocketChannel client;
        Thread echo;
        final ByteBuffer buffer = ByteBuffer.allocateDirect(64);

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            echo = new Thread(() -> {
                try (SocketChannel s = listener.accept()) {
                    s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    ByteBuffer b = ByteBuffer.allocateDirect(64);
                    for (;;) {
                        b.clear();
                        while (b.hasRemaining()) {
                            if (s.read(b) < 0) {
                                return;
                            }
                        }
                        b.flip();
                        while (b.hasRemaining()) {
                            s.write(b);
                        }
                    }
                } catch (IOException closed) {
                    // the trial is over
                }
            }, "bench-tcp-echo");
            echo.start();
            client = SocketChannel.open(listener.getLocalAddress());
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            client.close();
            listener.close();
            echo.join(5000);
        }
    }

    /** Two processes handing one disk back and forth. */
    @State(Scope.Benchmark)
    public static class Sharing {
        DiskSharingFixture fixture;
        long n;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            fixture = new DiskSharingFixture(Path.of(System.getProperty("vstack.bench.dir", "/tmp/vstack-sharing-bench")),
                    Duration.ofSeconds(10));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            fixture.close();
        }
    }

    @Benchmark
    public ByteBuffer transportRoundTrip64(Transports t) throws Exception {
        return t.connection.call("echo", t.request.clear(), Duration.ofSeconds(10));
    }

    @Benchmark
    public int tcpRoundTrip64(Tcp t) throws IOException {
        ByteBuffer b = t.buffer;
        b.clear();
        while (b.hasRemaining()) {
            t.client.write(b);
        }
        b.clear();
        while (b.hasRemaining()) {
            t.client.read(b);
        }
        return b.get(0);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long handOffToFirstWrite(Sharing s) throws Exception {
        long n = s.n++;
        s.fixture.handOffAndWrite(n % 2 == 0 ? s.fixture.b : s.fixture.a, (n % 1024) * 4096);
        return n;
    }
}
