package io.vstack.transport.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.transport.ConnectionClosedException;
import io.vstack.api.transport.Endpoint;
import io.vstack.api.transport.ProtocolMismatchException;
import io.vstack.api.transport.RemoteFailureException;
import io.vstack.api.transport.TransportConnection;
import io.vstack.api.transport.TransportException;
import io.vstack.api.transport.TransportTimeoutException;
import io.vstack.api.transport.UnknownProtocolException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The transport over real loopback sockets, including peers that misbehave on purpose. */
class TransportServiceTest {

    private static final Duration LONG = Duration.ofSeconds(20);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private TransportService server;
    private TransportService client;

    @BeforeEach
    void start() {
        server = service(TransportSettings.loopback().withTimeouts(LONG, LONG, LONG).withMaxPayload(64 * 1024));
        server.addHandler("echo", (request, peer) -> request);
        server.addHandler("fail", (request, peer) -> {
            throw new TransportException("disk d1 is pinned to this host");
        });
        server.addHandler("block", (request, peer) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return request;
        });
        client = service(TransportSettings.loopback().withTimeouts(LONG, LONG, LONG));
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private TransportService service(TransportSettings settings) {
        TransportService s = new TransportService(settings).start();
        closeables.add(s);
        return s;
    }

    private TransportConnection connect() throws TransportException {
        return client.connect(server.localEndpoint().orElseThrow());
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b).toString();
    }

    private static Throwable failure(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(30, TimeUnit.SECONDS);
            throw new AssertionError("the request succeeded");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the request never completed");
        }
    }

    @Test
    void aRequestGetsItsReply() throws Exception {
        try (TransportConnection c = connect()) {
            assertEquals("ping", text(c.call("echo", text("ping"), LONG)));
            assertEquals(List.of("block", "echo", "fail"), server.protocols());
        }
    }

    @Test
    void manyThreadsShareOneConnectionAndEachGetsItsOwnReply() throws Exception {
        try (TransportConnection c = connect()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        List<CompletableFuture<ByteBuffer>> inFlight = new ArrayList<>();
                        for (int i = 0; i < 100; i++) {
                            byte[] payload = new byte[1 + (i * 37 + thread) % 3000];
                            java.util.Arrays.fill(payload, (byte) (thread * 31 + i));
                            inFlight.add(c.request("echo", ByteBuffer.wrap(payload)));
                        }
                        for (int i = 0; i < 100; i++) {
                            byte[] expected = new byte[1 + (i * 37 + thread) % 3000];
                            java.util.Arrays.fill(expected, (byte) (thread * 31 + i));
                            ByteBuffer reply = inFlight.get(i).get(30, TimeUnit.SECONDS);
                            byte[] got = new byte[reply.remaining()];
                            reply.get(got);
                            assertArrayEquals(expected, got);
                        }
                        return 100;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : results) {
                    total += f.get(60, TimeUnit.SECONDS);
                }
                assertEquals(800, total);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void repliesComeInAnyOrderOnOneConnection() throws Exception {
        try (TransportConnection c = connect()) {
            CompletableFuture<ByteBuffer> slow = c.request("block", text("slow"));
            assertEquals("fast", text(c.call("echo", text("fast"), LONG)));
            assertFalse(slow.isDone());
            release.countDown();
            assertEquals("slow", text(slow.get(30, TimeUnit.SECONDS)));
        }
    }

    @Test
    void unknownProtocolsAndFailedHandlersAreNamedAndTheConnectionGoesOn() throws Exception {
        try (TransportConnection c = connect()) {
            Throwable unknown = failure(c.request("nbd", text("x")));
            assertInstanceOf(UnknownProtocolException.class, unknown);
            assertTrue(unknown.getMessage().contains("no protocol 'nbd' is served here (served: block, echo, fail)"), unknown.getMessage());
            Throwable failed = failure(c.request("fail", text("x")));
            assertInstanceOf(RemoteFailureException.class, failed);
            assertTrue(failed.getMessage().endsWith("disk d1 is pinned to this host"), failed.getMessage());
            assertEquals("still", text(c.call("echo", text("still"), LONG)));
        }
    }

    @Test
    void aRequestTimesOutAndTheConnectionStaysUsable() throws Exception {
        try (TransportConnection c = connect()) {
            Throwable timeout = failure(c.request("block", text("x"), Duration.ofMillis(50)));
            assertInstanceOf(TransportTimeoutException.class, timeout);
            assertTrue(timeout.getMessage().contains("(protocol block)"), timeout.getMessage());
            assertEquals("after", text(c.call("echo", text("after"), LONG)));
        }
    }

    @Test
    void aFullQueueAnswersBusy() throws Exception {
        TransportService small = service(TransportSettings.loopback().withTimeouts(LONG, LONG, LONG).withWorkers(1, 1));
        CountDownLatch started = new CountDownLatch(1);
        small.addHandler("block", (request, peer) -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return request;
        });
        try (TransportConnection c = client.connect(small.localEndpoint().orElseThrow())) {
            CompletableFuture<ByteBuffer> running = c.request("block", text("1"));
            assertTrue(started.await(30, TimeUnit.SECONDS));
            CompletableFuture<ByteBuffer> queued = c.request("block", text("2"));
            Throwable busy = failure(c.request("block", text("3")));
            assertInstanceOf(RemoteFailureException.class, busy);
            assertTrue(busy.getMessage().contains("busy"), busy.getMessage());
            release.countDown();
            assertEquals("1", text(running.get(30, TimeUnit.SECONDS)));
            assertEquals("2", text(queued.get(30, TimeUnit.SECONDS)));
        }
    }

    @Test
    void aCorruptFrameGetsAnErrorWithItsIdAndTheStreamGoesOn() throws Exception {
        try (Raw raw = Raw.open(server)) {
            ByteBuffer bad = Frames.encode(Frames.REQUEST, 0, 11, "echo", text("abc"));
            bad.put(bad.limit() - 2, (byte) (bad.get(bad.limit() - 2) ^ 1));
            raw.write(bad);
            Raw.Reply error = raw.read();
            assertEquals(Frames.ERROR, error.type());
            assertEquals(Frames.E_CORRUPT, error.code());
            assertEquals(11, error.id());
            raw.write(Frames.encode(Frames.REQUEST, 0, 12, "echo", text("fine")));
            Raw.Reply reply = raw.read();
            assertEquals(Frames.REPLY, reply.type());
            assertEquals(12, reply.id());
            assertEquals("fine", reply.text());
        }
    }

    @Test
    void anOversizedLengthClosesOnlyThatConnection() throws Exception {
        try (TransportConnection other = connect(); Raw raw = Raw.open(server)) {
            ByteBuffer header = ByteBuffer.allocate(Frames.HEADER_BYTES).put((byte) Frames.REQUEST).put((byte) 0)
                    .putShort((short) 4).putInt(Integer.MAX_VALUE).putLong(5).putInt(0).flip();
            raw.write(header);
            Raw.Reply error = raw.read();
            assertEquals(Frames.ERROR, error.type());
            assertEquals(0, error.id());
            assertEquals(Frames.E_MALFORMED, error.code());
            assertTrue(error.text().contains("exceeds the bound"), error.text());
            assertThrows(EOFException.class, raw::read);
            assertEquals("alive", text(other.call("echo", text("alive"), LONG)));
        }
    }

    @Test
    void aPeerStalledMidFrameBlocksNobodyAndIsClosedAfterTheFrameTimeout() throws Exception {
        TransportService strict = service(TransportSettings.loopback().withTimeouts(LONG, LONG, Duration.ofMillis(200)));
        strict.addHandler("echo", (request, peer) -> request);
        try (Raw stalled = Raw.open(strict); TransportConnection other = client.connect(strict.localEndpoint().orElseThrow())) {
            ByteBuffer frame = Frames.encode(Frames.REQUEST, 0, 1, "echo", text("never finished"));
            stalled.write(frame.slice().limit(frame.remaining() - 5));
            for (int i = 0; i < 20; i++) {
                assertEquals("i" + i, text(other.call("echo", text("i" + i), LONG)));
            }
            Raw.Reply closing = stalled.read();
            assertEquals(0, closing.id());
            assertEquals(Frames.E_CLOSING, closing.code());
            assertTrue(closing.text().startsWith("stalled for more than 200 ms in the middle of a frame"), closing.text());
            assertThrows(EOFException.class, stalled::read);
            assertEquals("after", text(other.call("echo", text("after"), LONG)));
        }
    }

    @Test
    void aClientOfAnotherVersionGetsOurHelloAndIsClosed() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.localEndpoint().orElseThrow().port())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(Frames.hello(9, 4096).array());
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertEquals(Frames.MAGIC, in.readInt());
            assertEquals(Frames.VERSION, in.readUnsignedShort());
            in.readUnsignedShort();
            in.readInt();
            assertEquals(-1, in.read());
        }
    }

    @Test
    void aServerOfAnotherVersionOrProtocolIsRefusedByName() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> answers = CompletableFuture.runAsync(() -> {
                try {
                    for (byte[] hello : List.of(Frames.hello(2, 4096).array(), "HTTP/1.1 400 \r\n".getBytes(StandardCharsets.US_ASCII))) {
                        try (Socket s = fake.accept()) {
                            s.getInputStream().readNBytes(Frames.HELLO_BYTES);
                            s.getOutputStream().write(hello);
                            s.getInputStream().read();
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            Endpoint endpoint = new Endpoint("127.0.0.1", fake.getLocalPort());
            ProtocolMismatchException version = assertThrows(ProtocolMismatchException.class, () -> client.connect(endpoint));
            assertEquals(endpoint + " speaks transport version 2, this host speaks 1", version.getMessage());
            ProtocolMismatchException http = assertThrows(ProtocolMismatchException.class, () -> client.connect(endpoint));
            assertEquals(endpoint + " does not speak the vstack transport", http.getMessage());
            answers.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aServerThatNeverAnswersTheHandshakeTimesOut() throws Exception {
        TransportService impatient = service(TransportSettings.loopback()
                .withTimeouts(Duration.ofMillis(100), LONG, LONG));
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Endpoint endpoint = new Endpoint("127.0.0.1", silent.getLocalPort());
            TransportTimeoutException e = assertThrows(TransportTimeoutException.class, () -> impatient.connect(endpoint));
            assertEquals("no handshake from " + endpoint + " within 100 ms", e.getMessage());
        }
    }

    @Test
    void aClientThatNeverSendsItsHelloIsClosed() throws Exception {
        TransportService strict = service(TransportSettings.loopback().withTimeouts(LONG, LONG, Duration.ofMillis(200)));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), strict.localEndpoint().orElseThrow().port())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(new byte[] {0x56, 0x53});
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertEquals(-1, in.read());
        }
    }

    @Test
    void nobodyListeningIsAClosedConnection() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Endpoint nobody = new Endpoint("127.0.0.1", port);
        ConnectionClosedException e = assertThrows(ConnectionClosedException.class, () -> client.connect(nobody));
        assertTrue(e.getMessage().startsWith("cannot reach 127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void requestsInFlightFailWhenTheServerGoesAway() throws Exception {
        TransportConnection c = connect();
        CompletableFuture<ByteBuffer> pending = c.request("block", text("x"));
        server.close();
        assertInstanceOf(ConnectionClosedException.class, failure(pending));
        assertInstanceOf(ConnectionClosedException.class, failure(c.request("echo", text("y"))));
        assertFalse(c.isOpen());
    }

    @Test
    void anOversizedPayloadIsRefusedBeforeItIsSent() throws Exception {
        try (TransportConnection c = connect()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.request("echo", ByteBuffer.allocate(64 * 1024 + 1)));
            assertTrue(e.getMessage().contains("frame bound of 65536 bytes"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> c.request("", text("x")));
        }
    }

    /** A hand-driven client socket that has done the handshake. */
    private record Raw(Socket socket, DataInputStream in, OutputStream out) implements AutoCloseable {

        record Reply(int type, int code, long id, byte[] payload) {
            String text() {
                return new String(payload, StandardCharsets.UTF_8);
            }
        }

        static Raw open(TransportService server) throws IOException {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), server.localEndpoint().orElseThrow().port());
            s.setSoTimeout(30_000);
            Raw raw = new Raw(s, new DataInputStream(s.getInputStream()), s.getOutputStream());
            raw.out.write(Frames.hello(Frames.VERSION, 1 << 20).array());
            byte[] hello = raw.in.readNBytes(Frames.HELLO_BYTES);
            assertEquals(Frames.VERSION, Frames.hello(ByteBuffer.wrap(hello)).version());
            return raw;
        }

        void write(ByteBuffer b) throws IOException {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            out.write(bytes);
            out.flush();
        }

        Reply read() throws IOException {
            int type = in.readUnsignedByte();
            int code = in.readUnsignedByte();
            int nameLen = in.readUnsignedShort();
            int len = in.readInt();
            long id = in.readLong();
            in.readInt();
            in.readNBytes(nameLen);
            return new Reply(type, code, id, in.readNBytes(len));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
