package io.vstack.memory.internal.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.io.IoOp;
import io.vstack.api.memory.HandleInfo;
import io.vstack.api.testing.InMemoryDisk;
import io.vstack.api.testing.InMemoryDiskManager;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-copy path between two real processes: this JVM is the server (broker, ring server,
 * a disk with a real filter chain), a second JVM started from the same class path is the client.
 */
class TwoProcessTest {

    /** The figure: 1 GiB of patterned pages (the run takes a few seconds here). */
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    private Broker broker;
    private RingServer server;
    private final InMemoryDiskManager disks = new InMemoryDiskManager();

    private Path start(long sectionSize) throws Exception {
        broker = new Broker(dir.resolve("state"), dir.resolve("regions"), sectionSize, Clock.systemUTC(), new CopyMeter());
        server = new RingServer(broker, dir.resolve("regions").resolve("memory.sock"), () -> disks, 4);
        server.start();
        return server.socket();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void clientWritesOneGibToADiskByReferenceAndNothingIsCopied() throws Exception {
        Path socket = start(256L << 20);
        AtomicLong seenBytes = new AtomicLong();
        AtomicLong notTheMapping = new AtomicLong();
        InMemoryDisk disk = disks.add(new InMemoryDisk("d1", GIB, 4096).withFilter("probe", (request, next) -> {
            if (request.op() == IoOp.WRITE) {
                ByteBuffer b = request.buffer();
                // The handle is read-only: a buffer that is direct and read-only is the mapping itself, not a copy.
                if (!b.isDirect() || !b.isReadOnly()) {
                    notTheMapping.incrementAndGet();
                }
                seenBytes.addAndGet(b.remaining());
            }
            next.proceed(request);
        }));

        try (ClientProcess client = ClientProcess.start("write", socket.toString(), "d1", Long.toString(GIB),
                Integer.toString(1 << 20))) {
            assertEquals(0, client.exit(120), () -> "client output: " + client.lines());
            assertTrue(client.lines().stream().anyMatch(l -> l.startsWith("RESULT written=" + GIB)), client.lines()::toString);
        }

        assertEquals(GIB, seenBytes.get());
        assertEquals(0, notTheMapping.get(), "write buffers that were not the mapped section");
        assertEquals(0, broker.bytesCopied(), "bytes copied by the memory service");
        ByteBuffer stored = disk.backingStore().duplicate();
        assertEquals(-1, PagePattern.firstMismatch(stored, 0), "first wrong byte on the disk");
    }

    @Test
    void sparseHandleOf64GibTouchedInThreeSectionsMapsExactlyThree() throws Exception {
        Path socket = start(1L << 30);
        try (ClientProcess client = ClientProcess.start("sparse", socket.toString(), Long.toString(64 * GIB),
                Long.toString(GIB))) {
            assertNotNull(client.awaitLine("RESULT mappedBefore="), client.lines()::toString);
            List<HandleInfo> handles = broker.handles();
            assertEquals(1, handles.size());
            assertEquals(64, handles.get(0).sections());
            assertEquals(3, handles.get(0).mappedSections());
            client.send("done");
            assertEquals(0, client.exit(60), () -> "client output: " + client.lines());
            assertTrue(client.lines().contains("RESULT mappedBefore=0"), client.lines()::toString);
        }
    }

    @Test
    void truncatingTheSharedFileUnderTheServerFailsTheRequestWithANamedError() throws Exception {
        Path socket = start(2L << 20);
        disks.add(new InMemoryDisk("d1", 16L << 20, 4096));
        try (ClientProcess client = ClientProcess.start("truncate", socket.toString(), "d1")) {
            assertEquals(0, client.exit(60), () -> "client output: " + client.lines());
            assertTrue(client.lines().contains("RESULT before=OK after=MEMORY_FAULT write=MEMORY_FAULT nop=OK"),
                    client.lines()::toString);
        }
        // The server lives on: another client is served.
        try (ClientProcess client = ClientProcess.start("sparse", socket.toString(), Long.toString(64L << 20),
                Long.toString(2L << 20))) {
            assertNotNull(client.awaitLine("RESULT mappedBefore="), client.lines()::toString);
            client.send("done");
            assertEquals(0, client.exit(60), () -> "client output: " + client.lines());
        }
        assertTrue(Files.readString(broker.auditFile()).contains(" FAULT "), "fault audited");
    }
}
