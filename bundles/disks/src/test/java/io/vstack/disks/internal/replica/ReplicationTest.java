package io.vstack.disks.internal.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.io.IoException;
import io.vstack.api.replication.RecoveryPoint;
import io.vstack.api.replication.ReplicationException;
import io.vstack.api.storage.BackendType;
import io.vstack.api.transport.Endpoint;
import io.vstack.api.transport.TransportConnection;
import io.vstack.api.transport.TransportException;
import io.vstack.disks.internal.DiskService;
import io.vstack.disks.internal.TestSupport.FakeHost;
import io.vstack.disks.internal.TestSupport.MemoryBackend;
import io.vstack.transport.internal.LoopbackTransports;
import io.vstack.transport.internal.TransportService;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replication between two sites over real loopback sockets, each with its own disk manager and transport endpoint. */
class ReplicationTest {

    private static final int BLOCK = 4096;
    static final long SIZE = 8L << 20;

    /** One site: a disk manager, a transport endpoint and the replication service. */
    static final class Site implements AutoCloseable {
        final DiskService disks;
        final TransportService transport;
        final Replication replication;

        Site(Path dir) throws Exception {
            this(dir, new MemoryBackend(1));
        }

        /** A site whose stores are {@code backend}'s (give the same one again for a restart). */
        Site(Path dir, MemoryBackend backend) throws Exception {
            disks = new DiskService(dir.resolve("disks"), Duration.ofSeconds(30), disk -> () -> { });
            disks.backendAdded("local", backend);
            disks.hostAdded(new FakeHost("esx1"));
            transport = LoopbackTransports.start();
            replication = Replication.standalone(disks, transport, transport::addHandler, dir.resolve("replica"),
                    new RecoverySite.Placement(BackendType.LOCAL, "esx1"));
        }

        Endpoint endpoint() {
            return transport.localEndpoint().orElseThrow();
        }

        @Override
        public void close() {
            replication.close();
            transport.close();
            disks.close();
        }
    }

    @TempDir
    Path dir;
    Site primary;
    Site recovery;
    private final List<Thread> writers = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    /** The primary's content at each seal, by sequence. */
    private final Map<Long, String> sealed = new ConcurrentHashMap<>();

    @BeforeEach
    void sites() throws Exception {
        primary = new Site(dir.resolve("primary"));
        recovery = new Site(dir.resolve("recovery"));
    }

    @AfterEach
    void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : writers) {
            t.join();
        }
        primary.close();
        recovery.close();
    }

    private VirtualDisk disk(String name) throws DiskException {
        return primary.disks.create(new DiskSpec(name, SIZE, BLOCK, BackendType.LOCAL, "esx1", Optional.empty()));
    }

    /** A primary driven by hand (no schedule), recording the disk's checksum at each seal. */
    private Primary manual(String name, int keep) throws Exception {
        Primary p = primary.replication.start(name, recovery.endpoint(), Duration.ofSeconds(1), keep);
        DirtyTracker tracker = primary.replication.filters().tracker(name);
        VirtualDisk disk = primary.disks.disk(name).orElseThrow();
        tracker.sealObserver(delta -> {
            try (DiskHandle h = disk.openAt("seal", ReplicaFilterFactory.NAME)) {
                sealed.put(delta.sequence, checksum(h));
            } catch (IoException e) {
                throw new IllegalStateException(e);
            }
        });
        return p;
    }

    /** Writes random blocks of random bytes to {@code disk} until the test ends. */
    private void writing(String disk) throws Exception {
        DiskHandle h = primary.disks.disk(disk).orElseThrow().open("workload");
        Thread t = new Thread(() -> {
            SplittableRandom random = new SplittableRandom(42);
            ByteBuffer buffer = ByteBuffer.allocate(4 * BLOCK);
            try (h) {
                while (!stop.get()) {
                    buffer.clear();
                    while (buffer.hasRemaining()) {
                        buffer.put((byte) random.nextInt());
                    }
                    buffer.flip().limit(BLOCK * (1 + random.nextInt(4)));
                    h.write((long) random.nextInt((int) (SIZE / BLOCK) - 4) * BLOCK, buffer);
                }
            } catch (IoException e) {
                throw new IllegalStateException(e);
            }
        }, "test-writer-" + disk);
        t.start();
        writers.add(t);
    }

    private void fill(String disk, long bytes, int seed) throws Exception {
        try (DiskHandle h = primary.disks.disk(disk).orElseThrow().open("fill")) {
            SplittableRandom random = new SplittableRandom(seed);
            ByteBuffer b = ByteBuffer.allocate((int) bytes);
            while (b.hasRemaining()) {
                b.put((byte) random.nextInt());
            }
            h.write(0, b.flip());
        }
    }

    static String checksum(DiskHandle h) throws IoException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(1 << 20);
            for (long off = 0; off < SIZE; off += b.capacity()) {
                b.clear();
                h.read(off, b);
                sha.update(b.flip());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String recoveryChecksum(String disk) throws Exception {
        try (DiskHandle h = recovery.disks.disk(disk).orElseThrow().open("check")) {
            return checksum(h);
        }
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Object monitor = new Object();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 60 s");
            }
            synchronized (monitor) {
                monitor.wait(10);
            }
        }
    }

    @Test
    void everyRecoveryPointEqualsThePrimaryAtItsSealUnderWrites() throws Exception {
        disk("d1");
        fill("d1", 1 << 20, 1);
        Primary p = manual("d1", 10);
        writing("d1");
        for (int i = 1; i <= 5; i++) {
            assertTrue(p.cycle(), p.status().state());
            assertEquals(sealed.get((long) i), recoveryChecksum("d1.rp" + i), "recovery point " + i);
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), recovery.replication.points("d1").stream().map(RecoveryPoint::sequence).toList());
    }

    @Test
    void aFlippedBitIsRefusedAndSentAgain() throws Exception {
        disk("d1");
        fill("d1", 3 << 20, 2);
        Primary p = manual("d1", 10);
        p.flipBit(chunk -> chunk == 1);
        assertTrue(p.cycle(), p.status().state());
        assertEquals(1, p.status().resends());
        assertEquals(1, recovery.replication.status().get(0).resends(), "the site counts the chunk it refused");
        assertTrue(primary.replication.metrics().isEmpty(), "a primary driven by hand is not listed");
        assertTrue(recovery.replication.metrics().stream().anyMatch(m -> m.name().equals("last_point") && m.value() == 1
                && m.labels().equals(Map.of("disk", "d1", "role", "recovery"))));
        assertEquals(sealed.get(1L), recoveryChecksum("d1.rp1"));
    }

    @Test
    void aConnectionCutMidShipLeavesTheLastCompletePointAndResyncs() throws Exception {
        disk("d1");
        fill("d1", 1 << 20, 3);
        Primary p = manual("d1", 10);
        assertTrue(p.cycle());
        fill("d1", 6 << 20, 4);
        p.flipBit(chunk -> {
            if (chunk == 3) {
                p.close(); // the link breaks with chunks of delta 2 on the wire
            }
            return false;
        });
        assertFalse(p.cycle());
        assertTrue(p.status().state().startsWith("link down"), p.status().state());
        assertEquals(List.of(1L), recovery.replication.points("d1").stream().map(RecoveryPoint::sequence).toList(),
                "a partial delta is never a point");
        assertEquals(sealed.get(1L), recoveryChecksum("d1.rp1"));
        p.flipBit(chunk -> false);
        assertTrue(p.cycle(), p.status().state());
        assertEquals(List.of(1L, 2L), recovery.replication.points("d1").stream().map(RecoveryPoint::sequence).toList());
        assertEquals(sealed.get(2L), recoveryChecksum("d1.rp2"), "the resync from the bitmap carries the blocks of the lost delta");
    }

    @Test
    void killOfThePrimaryMidShipLeavesTheLastCompletePoint() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ShipperMain.class.getName(), dir.resolve("child").toString(),
                recovery.endpoint().toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Map<Long, String> childSeals = new ConcurrentHashMap<>();
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("MIDSHIP")) {
                if (line.startsWith("SEALED ")) {
                    String[] f = line.split(" ");
                    childSeals.put(Long.parseLong(f[1]), f[2]);
                }
            }
            assertEquals("MIDSHIP", line, "the child stopped before shipping delta 2");
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, the socket just dies
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        assertEquals(137, child.exitValue(), "killed by signal 9");
        assertEquals(List.of(1L), recovery.replication.points("d1").stream().map(RecoveryPoint::sequence).toList(),
                "the partial delta 2 is never a point");
        assertEquals(childSeals.get(1L), recoveryChecksum("d1.rp1"), "the last complete point is intact");
        // A new primary takes over the disk's name: the site learns it holds point 1 and drops the partial delta.
        disk("d1");
        fill("d1", 2 << 20, 9);
        Primary p = manual("d1", 5);
        assertTrue(p.cycle(), p.status().state());
        assertEquals(List.of(1L, 2L), recovery.replication.points("d1").stream().map(RecoveryPoint::sequence).toList());
        assertEquals(sealed.get(2L), recoveryChecksum("d1.rp2"));
    }

    @Test
    void aRestartedPrimaryResumesAndShipsTheWholeDiskAsItsNextPoint() throws Exception {
        MemoryBackend stores = new MemoryBackend(1);
        primary.close();
        primary = new Site(dir.resolve("primary2"), stores);
        disk("d1");
        fill("d1", 2 << 20, 21);
        primary.replication.enable("d1", recovery.endpoint(), Duration.ofSeconds(1), 5);
        eventually(() -> primary.replication.primary("d1").acknowledged() >= 1);
        primary.close();
        primary = new Site(dir.resolve("primary2"), stores);
        primary.replication.resume();
        eventually(() -> primary.replication.primary("d1") != null && primary.replication.primary("d1").acknowledged() >= 2);
        List<RecoveryPoint> points = recovery.replication.points("d1");
        String newest = points.get(points.size() - 1).disk();
        try (DiskHandle h = primary.disks.disk("d1").orElseThrow().open("check")) {
            assertEquals(checksum(h), recoveryChecksum(newest), "no writes since the restart: the newest point is the disk");
        }
        Path settings = dir.resolve("primary2").resolve("replica").resolve("primary").resolve("d1.properties");
        assertTrue(java.nio.file.Files.exists(settings));
        primary.replication.deleted("d1"); // as the disk manager's listener is told
        assertEquals(null, primary.replication.primary("d1"), "the replication of a deleted disk ends");
        assertFalse(java.nio.file.Files.exists(settings), "and does not resume after a restart");
    }

    @Test
    void retentionMergesTheOldestIntoTheBaseAndKeepsTheContent() throws Exception {
        disk("d1");
        Primary p = manual("d1", 2);
        for (int i = 1; i <= 5; i++) {
            fill("d1", (long) i << 20, 10 + i);
            assertTrue(p.cycle(), p.status().state());
        }
        assertEquals(List.of(4L, 5L), recovery.replication.points("d1").stream().map(RecoveryPoint::sequence).toList());
        assertEquals(List.of("d1.rp5", "d1.rp4", "d1.base"), recovery.disks.chain("d1.rp5"));
        assertEquals(sealed.get(4L), recoveryChecksum("d1.rp4"));
        assertEquals(sealed.get(5L), recoveryChecksum("d1.rp5"));
    }

    @Test
    void testFailoverUnderLoadWhileDeltasKeepArriving() throws Exception {
        disk("d1");
        fill("d1", 2 << 20, 5);
        writing("d1");
        primary.replication.enable("d1", recovery.endpoint(), Duration.ofSeconds(1), 20);
        eventually(() -> primary.replication.primary("d1").acknowledged() >= 2);
        String before = recoveryChecksum("d1.rp2");
        assertEquals("tf", recovery.replication.testFailover("d1", 2, "tf"));
        try (DiskHandle h = recovery.disks.disk("tf").orElseThrow().open("test")) {
            h.write(0, ByteBuffer.wrap(new byte[BLOCK]));
            ByteBuffer back = ByteBuffer.allocate(BLOCK);
            h.read(0, back);
            assertEquals(ByteBuffer.wrap(new byte[BLOCK]), back.flip());
        }
        eventually(() -> primary.replication.primary("d1").acknowledged() >= 4);
        assertEquals(before, recoveryChecksum("d1.rp2"), "the point under the test failover is unchanged");
        assertEquals("replicating", primary.replication.primary("d1").status().state());
        ReplicationException gone = assertThrows(ReplicationException.class, () -> recovery.replication.testFailover("d1", 99, "x"));
        assertTrue(gone.getMessage().startsWith("disk d1 has no recovery point 99"), gone.getMessage());
    }

    @Test
    void failoverMakesTheLatestPointWritableAndReplicationReverses() throws Exception {
        disk("d1");
        fill("d1", 2 << 20, 6);
        Primary p = manual("d1", 5);
        assertTrue(p.cycle());
        fill("d1", 1 << 20, 7);
        assertTrue(p.cycle());
        p.close();
        assertEquals("d1", recovery.replication.failover("d1"));
        assertEquals(sealed.get(2L), recoveryChecksum("d1"));
        assertFalse(p.cycle(), "the old primary's deltas are refused after the failover");
        assertTrue(p.status().state().contains("failed over"), p.status().state());
        primary.disks.delete("d1", true);
        // Reverse: the recovery site's disk replicates back to the old primary's site.
        try (DiskHandle h = recovery.disks.disk("d1").orElseThrow().open("vm")) {
            h.write(0, ByteBuffer.wrap(new byte[BLOCK * 2]).put(0, (byte) 7));
        }
        Primary back = recovery.replication.start("d1", primary.endpoint(), Duration.ofSeconds(1), 3);
        assertTrue(back.cycle(), back.status().state());
        try (DiskHandle h = primary.disks.disk("d1.rp1").orElseThrow().open("check")) {
            assertEquals(recoveryChecksum("d1"), checksum(h));
        }
    }

    @Test
    void badInputIsOneLineAndChangesNothing() throws Exception {
        disk("d1");
        Primary p = manual("d1", 5);
        assertTrue(p.cycle());
        try (TransportConnection c = primary.transport.connect(recovery.endpoint())) {
            ByteBuffer begin = ByteBuffer.allocate(64);
            begin.put(Wire.BEGIN);
            Wire.putString(begin, "d1");
            begin.putLong(7).putLong(0).putInt(1).flip();
            TransportException e = assertThrows(TransportException.class, () -> c.call(Wire.PROTOCOL, begin, Duration.ofSeconds(5)));
            assertTrue(e.getMessage().contains("delta 7 of disk d1 is out of order: the recovery site holds up to 1"), e.getMessage());
        }
        assertEquals(1, recovery.replication.points("d1").size());
        ReplicationException none = assertThrows(ReplicationException.class, () -> recovery.replication.points("nope"));
        assertEquals("this site holds no recovery points of disk 'nope'; replica:status lists the replicas here", none.getMessage());
        disk("d2");
        TransportService closed = LoopbackTransports.start();
        Endpoint dead = closed.localEndpoint().orElseThrow();
        closed.close();
        ReplicationException unreachable = assertThrows(ReplicationException.class,
                () -> primary.replication.enable("d2", dead, Duration.ofSeconds(1), 2));
        assertTrue(unreachable.getMessage().startsWith("target " + dead + " for disk d2 is unreachable"), unreachable.getMessage());
        assertFalse(unreachable.getMessage().contains("\n"));
        assertTrue(primary.disks.disk("d2").orElseThrow().info().filters().isEmpty(), "nothing is left attached");
        assertThrows(IllegalArgumentException.class, () -> primary.replication.enable("d2", dead, Duration.ofMillis(500), 2));
    }
}
