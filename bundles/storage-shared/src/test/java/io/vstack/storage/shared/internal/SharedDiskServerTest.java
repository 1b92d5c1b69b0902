package io.vstack.storage.shared.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.storage.BackendStatus;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreExistsException;
import io.vstack.api.storage.StoreNotFoundException;
import io.vstack.api.storage.StoreSpec;
import io.vstack.api.transport.Endpoint;
import io.vstack.api.transport.Transport;
import io.vstack.api.transport.TransportConnection;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk server and the shared backend through the protocol's messages. The transport is a
 * direct call here (its sockets are tested in the transport bundle and in the distribution).
 */
class SharedDiskServerTest {

    @TempDir
    Path directory;

    private final MemoryBackend local = new MemoryBackend();
    private SharedDiskServer server;
    private SharedDiskBackend backend;
    private SharedLuns luns;

    @BeforeEach
    void start() {
        startServer();
        backend = new SharedDiskBackend(new DirectTransport(), new SharedDiskBackend.Settings(null, Duration.ofSeconds(5)));
        luns = new SharedLuns(backend);
    }

    private void startServer() {
        server = new SharedDiskServer(local, new SharedDiskServer.Settings("esx1", directory));
    }

    @Test
    void twoHostsShareTheLunsBytes() throws Exception {
        BlockStore a = backend.create(new StoreSpec("quorum", 1 << 20, 4096, "esx1"));
        BlockStore b = backend.create(new StoreSpec("quorum--esx2", 1 << 20, 4096, "esx2"));
        byte[] data = new byte[8192];
        new Random(7).nextBytes(data);
        a.write(4096, ByteBuffer.wrap(data));
        ByteBuffer back = ByteBuffer.allocate(8192);
        b.read(4096, back);
        assertArrayEquals(data, back.array());
        assertThrows(StoreExistsException.class, () -> backend.create(new StoreSpec("quorum", 1 << 20, 4096, "esx1")));
        assertThrows(StoreNotFoundException.class,
                () -> backend.create(new StoreSpec("nothing--esx2", 1 << 20, 4096, "esx2")));
        assertEquals(Map.of("quorum", 1L << 20), backend.luns());
        assertEquals(BackendStatus.Health.HEALTHY, backend.status().health());
    }

    @Test
    void aReservationFencesTheOtherHost() throws Exception {
        BlockStore a = backend.create(new StoreSpec("quorum", 1 << 20, 4096, "esx1"));
        BlockStore b = backend.create(new StoreSpec("quorum--esx2", 1 << 20, 4096, "esx2"));
        assertEquals("GOOD", luns.reserveOut("quorum", "esx1", "register", null, 0, 0xA));
        assertEquals("GOOD", luns.reserveOut("quorum", "esx2", "register", null, 0, 0xB));
        assertEquals("GOOD", luns.reserveOut("quorum", "esx1", "reserve", "WE", 0xA, 0));

        a.write(0, ByteBuffer.allocate(4096));
        StorageException refused = assertThrows(StorageException.class, () -> b.write(0, ByteBuffer.allocate(4096)));
        assertTrue(refused.getMessage().contains("RESERVATION CONFLICT"), refused.getMessage());
        b.read(0, ByteBuffer.allocate(4096));

        // Failover: esx2 preempts esx1 and aborts its commands; esx1 can no longer write.
        assertEquals("GOOD", luns.reserveOut("quorum", "esx2", "preempt-abort", "WE", 0xB, 0xA));
        assertThrows(StorageException.class, () -> a.write(0, ByteBuffer.allocate(4096)));
        b.write(0, ByteBuffer.allocate(4096));

        SharedLuns.Reservation reservation = luns.reservation("quorum");
        assertEquals("WE", reservation.type());
        assertEquals("esx2", reservation.holderHost());
        assertEquals(List.of(new SharedLuns.Registration("esx2", Rsvd.initiatorOf("esx2"), 0xB, true)),
                luns.registrations("quorum"));
        assertEquals("RESERVATION CONFLICT", luns.reserveOut("quorum", "esx1", "reserve", "WE", 0xA, 0));
    }

    @Test
    void keysAndReservationSurviveAServerRestartAndStoresReopenTheirContext() throws Exception {
        BlockStore a = backend.create(new StoreSpec("quorum", 1 << 20, 4096, "esx1"));
        luns.reserveOut("quorum", "esx1", "register", null, 0, 0xA);
        luns.reserveOut("quorum", "esx1", "reserve", "EA", 0xA, 0);
        int generation = luns.reservation("quorum").generation();

        server.deactivate();
        startServer();

        assertEquals(new SharedLuns.Reservation(generation, "EA", "esx1", 0xA), luns.reservation("quorum"));
        a.write(0, ByteBuffer.allocate(4096)); // the old context is gone: the store opens a new one
        BlockStore b = backend.open("quorum--esx2", "esx2");
        assertThrows(StorageException.class, () -> b.read(0, ByteBuffer.allocate(4096)));
    }

    @Test
    void malformedRequestsGetAnErrorStatusAndTheServerGoesOn() throws Exception {
        backend.create(new StoreSpec("quorum", 1 << 20, 4096, "esx1")).close();
        assertEquals(Rsvd.INVALID_INITIATOR, statusOf(openRequest(new UUID(0, 0), "esx1", "quorum")));
        assertEquals(Rsvd.NO_SUCH_LUN, statusOf(openRequest(new UUID(1, 1), "esx1", "nothing")));
        assertEquals(Rsvd.INVALID_PARAMETER, statusOf(ByteBuffer.allocate(5)));
        assertEquals(Rsvd.UNKNOWN_OPERATION, statusOf(Rsvd.request(0x77, 1, 0).flip()));
        ByteBuffer truncatedOpen = openRequest(new UUID(1, 1), "esx1", "quorum");
        assertEquals(Rsvd.INVALID_PARAMETER, statusOf(truncatedOpen.limit(truncatedOpen.limit() - 3)));
        assertEquals(Rsvd.NO_SUCH_CONTEXT, statusOf(Rsvd.tunnel(1, 424242, new byte[16], null, 512)));

        ByteBuffer opened = server.handle(openRequest(new UUID(1, 1), "esx1", "quorum"), "test");
        long context = Rsvd.body(opened, Rsvd.OPEN_DEVICE_CONTEXT, 1).getLong();
        ByteBuffer wrongLength = Rsvd.tunnel(2, context, new byte[16], ByteBuffer.allocate(100), 0);
        wrongLength.putInt(Rsvd.HEADER_BYTES + 14, 5000); // data-out length that is not what follows
        assertEquals(Rsvd.INVALID_PARAMETER, statusOf(wrongLength));
        ScsiResult unknownCdb = Rsvd.tunnelResult(Rsvd.body(server.handle(
                Rsvd.tunnel(3, context, new byte[] {(byte) 0xEE, 0, 0, 0, 0, 0}, null, 0), "test"), Rsvd.TUNNEL_SCSI, 3));
        assertEquals(ScsiResult.CHECK_CONDITION, unknownCdb.status());
        assertEquals(0x20, unknownCdb.asc());

        BlockStore still = backend.open("quorum", "esx1");
        still.write(0, ByteBuffer.allocate(512));
    }

    private int statusOf(ByteBuffer request) {
        ByteBuffer reply = server.handle(request, "test");
        return reply.getInt(4);
    }

    private static ByteBuffer openRequest(UUID initiator, String host, String lun) {
        ByteBuffer request = Rsvd.request(Rsvd.OPEN_DEVICE_CONTEXT, 1, 16 + Rsvd.nameBytes(host) + Rsvd.nameBytes(lun));
        Rsvd.putUuid(request, initiator);
        Rsvd.putName(request, host);
        Rsvd.putName(request, lun);
        return request.flip();
    }

    /** A transport whose requests are direct calls of the server. */
    private final class DirectTransport implements Transport {
        private final Endpoint self = new Endpoint("127.0.0.1", 7450);

        @Override
        public Optional<Endpoint> localEndpoint() {
            return Optional.of(self);
        }

        @Override
        public List<String> protocols() {
            return List.of(Rsvd.PROTOCOL);
        }

        @Override
        public TransportConnection connect(Endpoint endpoint) {
            return new TransportConnection() {
                @Override
                public Endpoint peer() {
                    return endpoint;
                }

                @Override
                public CompletableFuture<ByteBuffer> request(String protocol, ByteBuffer payload) {
                    return request(protocol, payload, Duration.ofSeconds(5));
                }

                @Override
                public CompletableFuture<ByteBuffer> request(String protocol, ByteBuffer payload, Duration timeout) {
                    ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload.duplicate()).flip();
                    return CompletableFuture.completedFuture(server.handle(copy, "direct"));
                }

                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /** The local backend's part the server uses: stores in memory. */
    private static final class MemoryBackend implements StorageBackend {
        private final Map<String, MemoryStore> stores = new ConcurrentHashMap<>();

        @Override
        public BackendType type() {
            return BackendType.LOCAL;
        }

        @Override
        public BlockStore create(StoreSpec spec) throws StorageException {
            if (stores.putIfAbsent(spec.id(), new MemoryStore((int) spec.capacity())) != null) {
                throw new StoreExistsException(spec.id());
            }
            return stores.get(spec.id());
        }

        @Override
        public BlockStore open(String storeId, String host) throws StorageException {
            MemoryStore store = stores.get(storeId);
            if (store == null) {
                throw new StoreNotFoundException(storeId);
            }
            return store;
        }

        @Override
        public void delete(String storeId) {
            stores.remove(storeId);
        }

        @Override
        public BackendStatus status() {
            return new BackendStatus("memory", BackendType.LOCAL, 0, 0, BackendStatus.Health.HEALTHY, "");
        }
    }
}
