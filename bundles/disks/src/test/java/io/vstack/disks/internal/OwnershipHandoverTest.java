package io.vstack.disks.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import io.vstack.api.storage.BackendType;
import io.vstack.api.vm.VmException;
import io.vstack.disks.internal.TestSupport.Factory;
import io.vstack.disks.internal.TestSupport.FakeHost;
import io.vstack.disks.internal.TestSupport.MemoryBackend;
import io.vstack.api.io.StaleEpochException;
import io.vstack.transport.internal.TransportService;
import io.vstack.transport.internal.TransportSettings;
import java.time.Clock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnershipHandoverTest {

    private static final long M = 1 << 20;

    @TempDir
    Path dir;

    private final MemoryBackend backend = new MemoryBackend(1);
    private final List<DiskService> services = new ArrayList<>();
    private final List<String> ops = new CopyOnWriteArrayList<>();
    private final List<OpLog> filters = new CopyOnWriteArrayList<>();
    private final Factory factory = new Factory("oplog", FilterClass.INSPECTION, 0, c -> {
        OpLog f = new OpLog(c.host());
        filters.add(f);
        return f;
    });
    private final TransportService transport = new TransportService(TransportSettings.loopback()).start();
    private DiskService service;
    private OwnershipHandover handover;

    @BeforeEach
    void setUp() {
        service = newService();
        handover = new OwnershipHandover(service, new DiskOwnerService(service, transport, Duration.ofSeconds(10),
                h -> true, Clock.systemUTC()));
    }

    @AfterEach
    void tearDown() {
        services.forEach(DiskService::close);
        transport.close();
    }

    private DiskService newService() {
        DiskService s = new DiskService(dir, Duration.ofSeconds(30), disk -> () -> { });
        s.backendAdded("local", backend);
        s.hostAdded(new FakeHost("esx1"));
        s.hostAdded(new FakeHost("esx2"));
        s.factoryAdded(factory);
        services.add(s);
        return s;
    }

    /** A pass-through filter that logs each request's operation with the host it was created for. */
    final class OpLog implements IoFilter {
        final String host;
        volatile boolean closed;

        OpLog(String host) {
            this.host = host;
        }

        @Override
        public void submit(IoRequest request, IoChain next) throws IoException {
            if (closed) {
                throw new IllegalStateException("used after close");
            }
            ops.add(host + ":" + request.op());
            next.proceed(request);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void aSnapshottedDiskKeepsItsChainAcrossAHandoverAndARestart() throws Exception {
        service.create(DiskSpec.of("d1", 4 * M, BackendType.LOCAL, "esx1"));
        try (DiskHandle h = service.disk("d1").orElseThrow().open("vm")) {
            h.write(0, TestSupport.filled(1));
            h.flush();
        }
        service.snapshot("d1", "d1-snap");
        try (DiskHandle h = service.disk("d1").orElseThrow().open("vm")) {
            h.write(4096, TestSupport.filled(2));
            h.flush();
        }
        handover.handOver("web", List.of("d1"), "esx1", "esx2");
        service.close();
        services.remove(service);
        DiskService restarted = newService();

        assertEquals(List.of("d1", "d1-snap"), restarted.chain("d1"), "the chain survives the owner change");
        assertEquals(Optional.of("d1-snap"), restarted.disks().stream().filter(d -> d.id().equals("d1")).findFirst()
                .orElseThrow().parent());
        try (DiskHandle h = restarted.disk("d1").orElseThrow().open("vm")) {
            ByteBuffer back = ByteBuffer.allocateDirect(4096);
            h.read(0, back);
            assertEquals(TestSupport.filled(1), back.flip(), "the snapshot's block reads through");
            back.clear();
            h.read(4096, back);
            assertEquals(TestSupport.filled(2), back.flip(), "the block written after the snapshot is the disk's own");
        }
    }

    @Test
    void handOverFlushesRecordsTheNewOwnerDurablyAndMovesTheChainThenHandBackUndoesIt() throws Exception {
        service.create(DiskSpec.of("d1", 4 * M, BackendType.LOCAL, "esx1"));
        service.attach("d1", "oplog", Map.of("k", "v"));
        try (DiskHandle h = service.disk("d1").orElseThrow().open("vm")) {
            h.write(0, TestSupport.filled(7));
        }
        handover.handOver("web", List.of("d1"), "esx1", "esx2");

        assertEquals(List.of("esx1:WRITE", "esx1:FLUSH"), ops, "the source's chain flushed before the handover");
        assertEquals("esx2", service.disks().get(0).owner());
        String file = Files.readString(dir.resolve("d1.disk"), StandardCharsets.ISO_8859_1);
        assertTrue(file.contains("owner=esx2"), file);
        assertEquals(2, filters.size());
        assertTrue(filters.get(0).closed, "the source's filter instance is closed");
        assertEquals("esx2", filters.get(1).host);
        assertEquals(Map.of("k", "v"), factory.contexts.get(1).config());
        assertTrue(service.disks().get(0).filters().get(0).active());
        assertEquals(1, new HostFilterFramework(service, "esx2").attachments("d1").size());
        IllegalArgumentException notOwner = assertThrows(IllegalArgumentException.class,
                () -> new HostFilterFramework(service, "esx1").attachments("d1"));
        assertEquals("disk d1 is owned by host esx2, not esx1", notOwner.getMessage());
        try (DiskHandle h = service.disk("d1").orElseThrow().open("vm")) {
            ByteBuffer back = ByteBuffer.allocateDirect(4096);
            h.read(0, back);
            assertEquals(TestSupport.filled(7), back.flip());
        }
        assertEquals("esx2:READ", ops.get(ops.size() - 1));

        handover.handOver("web", List.of("d1"), "esx1", "esx2");
        assertEquals(2, filters.size(), "a repeated handover changes nothing");

        handover.handBack("web", List.of("d1"), "esx1", "esx2");
        handover.handBack("web", List.of("d1"), "esx1", "esx2");
        assertEquals("esx1", service.disks().get(0).owner());
        assertEquals(3, filters.size(), "handBack is idempotent: one re-creation");
        assertEquals("esx1", filters.get(2).host);

        service.close();
        assertEquals("esx1", newService().disks().get(0).owner(), "the owner survives a restart");
    }

    @Test
    void theOwnerSurvivesARestartAfterAHandover() throws Exception {
        service.create(DiskSpec.of("d1", 4 * M, BackendType.LOCAL, "esx1"));
        handover.handOver("web", List.of("d1"), "esx1", "esx2");
        service.close();
        DiskService restarted = newService();
        assertEquals("esx2", restarted.disks().get(0).owner());
        assertTrue(Files.list(dir).noneMatch(p -> p.toString().endsWith(".tmp")));
    }

    @Test
    void aDiskOwnedByAThirdHostOrMissingIsRefusedInOneLineAndNoDiskChangesOwner() throws Exception {
        service.create(DiskSpec.of("d1", 4 * M, BackendType.LOCAL, "esx1"));
        service.create(new DiskSpec("d2", 4 * M, 4096, BackendType.LOCAL, "esx2", Optional.empty()));
        service.hostAdded(new FakeHost("esx3"));
        service.create(new DiskSpec("d3", 4 * M, 4096, BackendType.LOCAL, "esx3", Optional.empty()));

        VmException third = assertThrows(VmException.class, () -> handover.handOver("web", List.of("d1", "d3"), "esx1", "esx2"));
        assertEquals("VM web: disk d3 is owned by host esx3, not esx1", third.getMessage());
        VmException missing = assertThrows(VmException.class, () -> handover.handOver("web", List.of("d1", "nope"), "esx1", "esx2"));
        assertEquals("VM web: disk nope does not exist; it cannot be handed to esx2", missing.getMessage());
        assertEquals("esx1", service.disk("d1").orElseThrow().info().owner(), "checked before any disk moves");

        service.delete("d1", true);
        service.create(DiskSpec.of("d4", 4 * M, BackendType.LOCAL, "esx1"));
        ((DiskRuntime) service.disk("d4").orElseThrow()).kill("disk d4 is unavailable: test");
        VmException dead = assertThrows(VmException.class, () -> handover.handOver("web", List.of("d4"), "esx1", "esx2"));
        assertEquals("VM web: disk d4 cannot be handed over: disk d4 is unavailable: test", dead.getMessage());
        assertFalse(dead.getMessage().contains("\n"));
    }

    @Test
    void writesRunningDuringRepeatedHandoversAreAcceptedOnlyFromTheCurrentEpoch() throws Exception {
        service.create(DiskSpec.of("d1", 4 * M, BackendType.LOCAL, "esx1"));
        service.attach("d1", "oplog", Map.of());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AtomicBoolean stop = new AtomicBoolean();
        long[] accepted = new long[1024];
        try {
            // A guest that reopens its disk when its handle is fenced, as a VM does at the destination.
            Future<long[]> writer = pool.submit(() -> {
                long n = 0;
                long refused = 0;
                DiskHandle h = service.disk("d1").orElseThrow().open("vm");
                try {
                    while (!stop.get() || n < 1024) {
                        int b = (int) (n % 1024);
                        try {
                            h.write(b * 4096L, TestSupport.filled(n + 1));
                            accepted[b] = n + 1;
                        } catch (StaleEpochException e) {
                            refused++;
                            h.close();
                            h = service.disk("d1").orElseThrow().open("vm");
                        }
                        n++;
                    }
                } finally {
                    h.close();
                }
                return new long[] {n, refused};
            });
            for (int i = 0; i < 20; i++) {
                handover.handOver("web", List.of("d1"), "esx1", "esx2");
                handover.handBack("web", List.of("d1"), "esx1", "esx2");
            }
            stop.set(true);
            long[] result = writer.get();
            assertTrue(result[1] > 0, "the handovers fenced the old handles");
            try (DiskHandle h = service.disk("d1").orElseThrow().open("check")) {
                for (int b = 0; b < 1024; b++) {
                    ByteBuffer back = ByteBuffer.allocateDirect(4096);
                    h.read(b * 4096L, back);
                    assertEquals(accepted[b], back.getLong(0), "block " + b + " holds its last accepted write, no refused one");
                }
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        assertEquals(41, filters.size(), "one filter instance per owner change, plus the first");
        assertTrue(filters.subList(0, 40).stream().allMatch(f -> f.closed));
        assertEquals(41, service.runtime("d1").owner().epoch(), "one epoch per owner change");
    }
}
