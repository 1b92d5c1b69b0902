package io.vstack.disks.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.OwnerRecord;
import io.vstack.api.io.StaleEpochException;
import io.vstack.api.storage.BackendType;
import io.vstack.api.transport.RemoteFailureException;
import io.vstack.api.transport.TransportConnection;
import io.vstack.disks.internal.TestSupport.FakeHost;
import io.vstack.disks.internal.TestSupport.MemoryBackend;
import io.vstack.transport.internal.TransportService;
import io.vstack.transport.internal.TransportSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collaborative release between "processes": each host's process is a {@link DiskOwnerService}
 * with its own transport on loopback, over one disk inventory (the shared storage). A killed
 * owner is simulated by closing its transport and no longer renewing its lease (a kill -9 of a
 * distribution process is not run here).
 */
class DiskOwnerServiceTest {

    private static final long M = 1 << 20;
    private static final int BLOCKS = 256;

    @TempDir
    Path dir;

    private final MemoryBackend backend = new MemoryBackend(1);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private DiskService disks;

    @BeforeEach
    void setUp() throws Exception {
        disks = newService();
        disks.create(DiskSpec.of("d1", 4 * M, BackendType.LOCAL, "esx1"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private DiskService newService() {
        DiskService s = new DiskService(dir, Duration.ofSeconds(30), disk -> () -> { });
        s.backendAdded("local", backend);
        for (String h : List.of("esx1", "esx2", "esx3")) {
            s.hostAdded(new FakeHost(h));
        }
        closeables.add(s::close);
        return s;
    }

    /** The process of {@code hosts}: its own transport serving its own owner service. */
    private record Process(TransportService transport, DiskOwnerService owners) implements AutoCloseable {
        @Override
        public void close() {
            transport.close();
        }
    }

    private Process process(Duration lease, Clock clock, String... hosts) {
        TransportService t = new TransportService(TransportSettings.loopback()).start();
        DiskOwnerService o = new DiskOwnerService(disks, t, lease, List.of(hosts)::contains, clock);
        t.addHandler(DiskOwnerService.PROTOCOL, o);
        Process p = new Process(t, o);
        closeables.add(p);
        return p;
    }

    private DiskHandle open() throws Exception {
        return disks.disk("d1").orElseThrow().open("test");
    }

    @Test
    void theRecordIsWrittenCrashSafelyAndSurvivesARestart() throws Exception {
        Process a = process(Duration.ofSeconds(10), Clock.systemUTC(), "esx1");
        Process b = process(Duration.ofSeconds(10), Clock.systemUTC(), "esx2");
        assertEquals(OwnerRecords.initial("d1", "esx1"), a.owners().owner("d1"));
        a.owners().renewLeases();
        OwnerRecord first = a.owners().owner("d1");
        assertEquals(a.transport().localEndpoint().orElseThrow().toString(), first.endpoint());
        assertTrue(first.leaseUntil().isAfter(Instant.now()));

        OwnerRecord taken = b.owners().acquire("d1", "esx2", Duration.ofSeconds(30));
        assertEquals(new OwnerRecord("d1", "esx2", b.transport().localEndpoint().orElseThrow().toString(), 2,
                taken.leaseUntil(), false), taken);
        String file = Files.readString(OwnerRecords.file(dir, "d1"), StandardCharsets.ISO_8859_1);
        assertTrue(file.contains("host=esx2") && file.contains("epoch=2") && file.contains("released=false"), file);
        try (var files = Files.list(OwnerRecords.file(dir, "d1").getParent())) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")));
        }

        DiskService restarted = newService();
        assertEquals(taken, restarted.runtime("d1").owner(), "the record is read back");
        assertEquals("esx2", restarted.disks().get(0).owner(), "the metadata names the new owner");
        assertEquals(2, restarted.runtime("d1").epoch(), "handles opened after a restart write at epoch 2");
    }

    @Test
    void aDiskDeletedWhileItsLeaseRenewsLeavesNoRecordBehind() throws Exception {
        Process a = process(Duration.ofSeconds(10), Clock.systemUTC(), "esx1");
        AtomicBoolean stop = new AtomicBoolean();
        Thread renewer = new Thread(() -> {
            while (!stop.get()) {
                a.owners().renewLeases();
            }
        }, "test-lease-renewer");
        renewer.start();
        try {
            for (int i = 0; i < 200; i++) {
                disks.create(DiskSpec.of("d2", M, BackendType.LOCAL, "esx1"));
                disks.delete("d2", false);
                assertFalse(Files.exists(DiskService.stateDirectory(dir, "d2")), "round " + i + ": state written back");
            }
        } finally {
            stop.set(true);
            renewer.join();
        }
        disks.create(DiskSpec.of("d2", M, BackendType.LOCAL, "esx1"));
        assertEquals(OwnerRecords.initial("d2", "esx1"), a.owners().owner("d2"), "a new disk of the same name starts afresh");
    }

    @Test
    void aChangedLeaseLengthIsGrantedByTheNextRenewal() throws Exception {
        Clock fixed = Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC);
        Process a = process(Duration.ofSeconds(10), fixed, "esx1");
        a.owners().renewLeases();
        assertEquals(fixed.instant().plusSeconds(10), a.owners().owner("d1").leaseUntil());
        a.owners().lease(Duration.ofSeconds(3));
        a.owners().renewLeases();
        assertEquals(fixed.instant().plusSeconds(3), a.owners().owner("d1").leaseUntil());
        assertThrows(IllegalArgumentException.class, () -> a.owners().lease(Duration.ZERO));
    }

    @Test
    void aMalformedRecordIsReportedAndTheDiskStartsAtEpochOne() throws Exception {
        Files.createDirectories(OwnerRecords.file(dir, "d1").getParent());
        Files.writeString(OwnerRecords.file(dir, "d1"), "version=1\nhost=esx2\nepoch=lots\n");
        DiskService restarted = newService();
        assertEquals(1, restarted.runtime("d1").epoch());
        assertTrue(restarted.loadErrors().stream().anyMatch(e -> e.contains("owner record") && e.contains("is malformed")),
                restarted.loadErrors().toString());
    }

    @Test
    void writesOfAnOlderEpochAreFencedReadsAndFlushesAreNot() throws Exception {
        Process a = process(Duration.ofSeconds(10), Clock.systemUTC(), "esx1");
        try (DiskHandle old = open()) {
            old.write(0, TestSupport.filled(1));
            a.owners().release("d1");
            StaleEpochException stale = assertThrows(StaleEpochException.class, () -> old.write(0, TestSupport.filled(2)));
            assertEquals("disk d1: a write of epoch 1 is refused: the disk is released at epoch 1 (fencing); "
                    + "open a new handle as its owner", stale.getMessage());
            assertThrows(StaleEpochException.class, () -> old.trim(0, 4096));
            try (DiskHandle during = open()) {
                assertThrows(StaleEpochException.class, () -> during.write(0, TestSupport.filled(3)), "nobody writes a released disk");
            }
            ByteBuffer back = ByteBuffer.allocateDirect(4096);
            old.read(0, back);
            assertEquals(1, back.getLong(0));
            old.flush();
            a.owners().acquire("d1", "esx1", Duration.ofSeconds(5));
            StaleEpochException still = assertThrows(StaleEpochException.class, () -> old.write(0, TestSupport.filled(4)));
            assertTrue(still.getMessage().contains("the disk is at epoch 2, owned by esx1"), still.getMessage());
        }
        try (DiskHandle fresh = open()) {
            fresh.write(0, TestSupport.filled(5));
        }
        assertEquals(1, disks.disks().get(0).openHandles() + 1, "handles are counted as before");
    }

    @Test
    void aReleaseHandOffUnderAVerifyingWriteWorkloadAcceptsNoStaleWrite() throws Exception {
        Process a = process(Duration.ofSeconds(10), Clock.systemUTC(), "esx1");
        Process b = process(Duration.ofSeconds(10), Clock.systemUTC(), "esx2");
        a.owners().renewLeases();
        AtomicBoolean handedOff = new AtomicBoolean();
        AtomicLong acceptedAfter = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        CountDownLatch writing = new CountDownLatch(100);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Long> oldOwner = pool.submit(() -> {
                long refused = 0;
                try (DiskHandle h = open()) {
                    for (long n = 1; refused < 500; n++) {
                        boolean after = handedOff.get();
                        try {
                            h.write((n % BLOCKS) * 4096, TestSupport.filled(n));
                            accepted.incrementAndGet();
                            if (after) {
                                acceptedAfter.incrementAndGet();
                            }
                        } catch (StaleEpochException e) {
                            refused++;
                        }
                        writing.countDown();
                    }
                }
                return refused;
            });
            assertTrue(writing.await(30, TimeUnit.SECONDS));
            OwnerRecord taken = b.owners().acquire("d1", "esx2", Duration.ofSeconds(30));
            handedOff.set(true);
            assertEquals(2, taken.epoch());
            try (DiskHandle h = open()) {
                for (long i = 0; i < BLOCKS; i++) {
                    h.write(i * 4096, TestSupport.filled(-1 - i));
                }
            }
            assertEquals(500L, oldOwner.get(60, TimeUnit.SECONDS));
            assertEquals(0, acceptedAfter.get(), "no write of epoch 1 was accepted after the hand-off");
            assertTrue(accepted.get() >= 1);
            try (DiskHandle h = open()) {
                for (long i = 0; i < BLOCKS; i++) {
                    ByteBuffer back = ByteBuffer.allocateDirect(4096);
                    h.read(i * 4096, back);
                    assertEquals(-1 - i, back.getLong(0), "block " + i + " holds the new owner's write");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals("esx2", disks.disks().get(0).owner());
    }

    @Test
    void aKilledOwnerLosesTheDiskOnceItsLeaseHasExpired() throws Exception {
        Process a = process(Duration.ofMillis(300), Clock.systemUTC(), "esx1");
        Process b = process(Duration.ofMillis(300), Clock.systemUTC(), "esx2");
        a.owners().renewLeases();
        OwnerRecord last = a.owners().owner("d1");
        try (DiskHandle h = open()) {
            h.write(0, TestSupport.filled(7));
            a.close(); // its endpoint stops answering and nobody renews its lease: as after a kill -9
            OwnerRecord taken = b.owners().acquire("d1", "esx2", Duration.ofSeconds(30));
            assertFalse(Instant.now().isBefore(last.leaseUntil()), "not taken before the lease expired");
            assertEquals(2, taken.epoch());
            assertEquals("esx2", taken.host());
            assertThrows(StaleEpochException.class, () -> h.write(0, TestSupport.filled(8)), "the old owner's writes are fenced");
        }
        try (DiskHandle h = open()) {
            ByteBuffer back = ByteBuffer.allocateDirect(4096);
            h.read(0, back);
            assertEquals(7, back.getLong(0), "what the old owner wrote before is there");
        }
    }

    @Test
    void anUnreachableOwnerWhoseLeaseOutlastsTheTimeoutIsNamedAndKeepsTheDisk() throws Exception {
        Clock fixed = Clock.fixed(Instant.parse("2026-12-07T20:00:00Z"), ZoneOffset.UTC);
        Process a = process(Duration.ofHours(1), fixed, "esx1");
        Process b = process(Duration.ofHours(1), fixed, "esx2");
        a.owners().renewLeases();
        String endpoint = a.owners().owner("d1").endpoint();
        a.close();
        DiskException e = assertThrows(DiskException.class, () -> b.owners().acquire("d1", "esx2", Duration.ofMillis(200)));
        assertTrue(e.getMessage().startsWith("host esx1 owns disk d1 and cannot be reached (cannot reach " + endpoint),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("its lease runs until 2026-12-07T21:00:00Z, past the timeout of 200ms"), e.getMessage());
        assertEquals("esx1", b.owners().owner("d1").host());
        assertEquals(1, b.owners().owner("d1").epoch());
    }

    @Test
    void ofTwoRequestersExactlyOneWins() throws Exception {
        Process a = process(Duration.ofSeconds(10), Clock.systemUTC(), "esx1");
        Process b = process(Duration.ofSeconds(10), Clock.systemUTC(), "esx2");
        Process c = process(Duration.ofSeconds(10), Clock.systemUTC(), "esx3");
        a.owners().renewLeases();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<OwnerRecord>> tries = new ArrayList<>();
            for (Process p : List.of(b, c)) {
                String host = p == b ? "esx2" : "esx3";
                tries.add(pool.submit(() -> {
                    go.await();
                    return p.owners().acquire("d1", host, Duration.ofSeconds(30));
                }));
            }
            go.countDown();
            List<OwnerRecord> won = new ArrayList<>();
            List<String> lost = new ArrayList<>();
            for (Future<OwnerRecord> f : tries) {
                try {
                    won.add(f.get(60, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    assertInstanceOf(DiskException.class, e.getCause());
                    lost.add(e.getCause().getMessage());
                }
            }
            assertEquals(1, won.size(), "winners " + won + ", losers " + lost);
            assertEquals(1, lost.size());
            assertTrue(lost.get(0).startsWith("disk d1 was taken by host " + won.get(0).host() + " (epoch 2)"), lost.get(0));
            assertEquals(won.get(0), a.owners().owner("d1"));
            assertEquals(2, won.get(0).epoch());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badReleaseRequestsAreRefusedInOneLine() throws Exception {
        Process a = process(Duration.ofSeconds(10), Clock.systemUTC(), "esx1");
        try (TransportConnection c = a.transport().connect(a.transport().localEndpoint().orElseThrow())) {
            RemoteFailureException garbage = assertThrows(RemoteFailureException.class,
                    () -> c.call(DiskOwnerService.PROTOCOL, ByteBuffer.wrap(new byte[] {1, 2, 3}), Duration.ofSeconds(10)));
            assertTrue(garbage.getMessage().endsWith("malformed disk-owner request from 127.0.0.1:"
                    + garbage.getMessage().replaceAll(".*:(\\d+)$", "$1")), garbage.getMessage());
            ByteBuffer stale = ByteBuffer.allocate(64).put((byte) 1).putLong(7).putShort((short) 2).put("d1".getBytes())
                    .putShort((short) 4).put("esx2".getBytes()).flip();
            RemoteFailureException epoch = assertThrows(RemoteFailureException.class,
                    () -> c.call(DiskOwnerService.PROTOCOL, stale, Duration.ofSeconds(10)));
            assertTrue(epoch.getMessage().endsWith("disk d1 is at epoch 1, not 7"), epoch.getMessage());
        }
        assertFalse(a.owners().owner("d1").released());
    }
}
