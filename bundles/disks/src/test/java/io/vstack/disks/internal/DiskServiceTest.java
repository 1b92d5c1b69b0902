package io.vstack.disks.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskInfo;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.filter.FilterAttachment;
import io.vstack.api.filter.FilterClass;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.io.FilterFailedException;
import io.vstack.api.io.FilterTimeoutException;
import io.vstack.api.io.InvalidIoException;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.StorageBackend;
import io.vstack.disks.internal.TestSupport.Blocking;
import io.vstack.disks.internal.TestSupport.Factory;
import io.vstack.disks.internal.TestSupport.MemoryBackend;
import io.vstack.disks.internal.TestSupport.Recording;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DiskServiceTest extends DiskServiceFixture {

    private static final long M = 1 << 20;

    private final MemoryBackend backend = new MemoryBackend(1);

    @Override
    Map<String, StorageBackend> backends() {
        return Map.of("local", backend);
    }

    private VirtualDisk create(String name, long capacity) throws DiskException {
        return service.create(DiskSpec.of(name, capacity, BackendType.LOCAL, "esx1"));
    }

    private static ByteBuffer pattern(int size, int seed) {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i += 4) {
            b.putInt(i, seed * 31 + i);
        }
        return b;
    }

    // ---- inventory and metadata -----------------------------------------------------------------

    @Test
    void badAttachAndDetachRequestsAreOneLineErrorsThatChangeNothing() throws Exception {
        service.factoryAdded(new Factory("stats", FilterClass.INSPECTION, 0, c -> new Recording("stats", null)));
        create("d1", 4 * M);
        service.attach("d1", "stats", Map.of());
        byte[] metadata = Files.readAllBytes(dir.resolve("d1.disk"));
        List<DiskInfo> before = service.disks();

        assertOneLine("filter stats is already attached to disk d1",
                assertThrows(IllegalArgumentException.class, () -> service.attach("d1", "stats", Map.of())));
        assertOneLine("filter nosuch is not attached to disk d1",
                assertThrows(IllegalArgumentException.class, () -> service.detach("d1", "nosuch")));
        assertOneLine("no filter named 'nosuch'",
                assertThrows(IllegalArgumentException.class, () -> service.attach("d1", "nosuch", Map.of())));
        IllegalArgumentException unknownDisk = assertThrows(IllegalArgumentException.class,
                () -> service.attach("d9", "stats", Map.of()));
        assertFalse(unknownDisk.getMessage().contains("\n"), unknownDisk.getMessage());
        assertTrue(unknownDisk.getMessage().contains("d9"), unknownDisk.getMessage());

        assertEquals(before, service.disks());
        assertArrayEquals(metadata, Files.readAllBytes(dir.resolve("d1.disk")));
    }

    @Test
    void theInventorySurvivesARestartWithItsFiltersInOrder() throws Exception {
        Factory stats = new Factory("stats", FilterClass.INSPECTION, 0, c -> new Recording("stats", null));
        service.factoryAdded(stats);
        create("d1", 4 * M);
        service.create(new DiskSpec("d2", 8 * M, 512, BackendType.LOCAL, "esx2", Optional.empty()));
        service.attach("d1", "stats", Map.of("interval", "1s", "label", "a b=c"));
        try (DiskHandle h = service.disk("d1").orElseThrow().open("test")) {
            h.write(0, pattern(4096, 1));
        }
        service.close();

        DiskService restarted = newService();
        List<DiskInfo> disks = restarted.disks();
        assertEquals(List.of("d1", "d2"), disks.stream().map(DiskInfo::id).toList());
        DiskInfo d1 = disks.get(0);
        assertEquals(4 * M, d1.capacity());
        assertEquals("esx1", d1.owner());
        assertEquals(1, d1.filters().size());
        FilterAttachment a = d1.filters().get(0);
        assertEquals("stats", a.descriptor().name());
        assertEquals(Map.of("interval", "1s", "label", "a b=c"), a.config());
        assertFalse(a.active(), "inactive until its factory is back");
        assertEquals(512, disks.get(1).blockSize());
        assertEquals("esx2", disks.get(1).owner());

        Factory statsAgain = new Factory("stats", FilterClass.INSPECTION, 0, c -> new Recording("stats", null));
        restarted.factoryAdded(statsAgain);
        assertTrue(restarted.disks().get(0).filters().get(0).active());
        assertEquals(Map.of("interval", "1s", "label", "a b=c"), statsAgain.contexts.get(0).config());
        try (DiskHandle h = restarted.disk("d1").orElseThrow().open("test")) {
            ByteBuffer back = ByteBuffer.allocateDirect(4096);
            h.read(0, back);
            assertEquals(pattern(4096, 1).flip().limit(4096), back.flip());
        }
    }

    @Test
    void theMetadataFileIsReadableAndVersioned() throws Exception {
        create("readable", 4 * M);
        String text = Files.readString(dir.resolve("readable.disk"), StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("format.version=1\n"), text);
        assertTrue(text.contains("id=readable\n"), text);
        assertTrue(text.contains("capacity=4194304\n"), text);
        assertTrue(text.contains("blockSize=4096\n"), text);
        assertTrue(text.contains("backend=local\n"), text);
        assertTrue(text.contains("owner=esx1\n"), text);
        assertTrue(text.indexOf("format.version") < text.indexOf("id="), "fields in a fixed order");
    }

    @Test
    void aLeftoverTempFileIsIgnoredAndACorruptFileIsReportedWithoutStoppingTheOthers() throws Exception {
        create("good", 4 * M);
        create("alsogood", 4 * M);
        service.close();
        // A write interrupted by a crash before its rename: half a file under the temp name.
        Files.writeString(dir.resolve("good.disk.tmp"), "format.version=1\nid=good\ncapa");
        // A metadata file damaged by hand.
        Files.writeString(dir.resolve("broken.disk"), "format.version=1\nid=broken\ncapacity=lots\n");
        Files.writeString(dir.resolve("future.disk"), "format.version=2\nid=future\n");

        DiskService restarted = newService();
        assertEquals(List.of("alsogood", "good"), restarted.disks().stream().map(DiskInfo::id).toList());
        assertEquals(4 * M, restarted.disks().get(1).capacity(), "the previous version of good is intact");
        assertFalse(Files.exists(dir.resolve("good.disk.tmp")));
        List<String> errors = restarted.loadErrors();
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains(dir.resolve("broken.disk").toString()) && errors.get(0).contains("capacity"), errors.get(0));
        assertTrue(errors.get(1).contains("future.disk") && errors.get(1).contains("format.version 2"), errors.get(1));
        DiskException taken = assertThrows(DiskException.class, () -> restarted.create(DiskSpec.of("broken", M, BackendType.LOCAL, "esx1")));
        assertTrue(taken.getMessage().contains("broken.disk exists but was not loaded"), taken.getMessage());
    }

    @Test
    void badCreatesAreRefusedAndChangeNothing() throws Exception {
        create("d1", 4 * M);
        DiskException duplicate = assertThrows(DiskException.class, () -> create("d1", 4 * M));
        assertEquals("a disk named d1 exists already; disk:list shows the disks", duplicate.getMessage());
        IllegalArgumentException host = assertThrows(IllegalArgumentException.class,
                () -> service.create(DiskSpec.of("d2", M, BackendType.LOCAL, "esx9")));
        assertEquals("no host named 'esx9'; host:list shows the hosts", host.getMessage());
        IllegalArgumentException san = assertThrows(IllegalArgumentException.class,
                () -> service.create(DiskSpec.of("d3", M, BackendType.SAN, "esx1")));
        assertEquals("backend 'san' is not available; available backends: local", san.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> service.create(new DiskSpec("d4", M, 4096, BackendType.LOCAL, "esx1", Optional.of("d1"))));
        assertEquals(List.of("d1"), service.disks().stream().map(DiskInfo::id).toList());
        assertEquals(List.of("d1.disk"), listDir());
        assertEquals(1, backend.stores.size());
    }

    @Test
    void aBlockSizeBelowTheStoreAlignmentIsRefused() {
        MemoryBackend direct = new MemoryBackend(4096);
        service.backendAdded("local", direct);
        service.backendRemoved("local", backend);
        service.backendAdded("local", direct);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> service.create(new DiskSpec("small", M, 512, BackendType.LOCAL, "esx1", Optional.empty())));
        assertTrue(e.getMessage().contains("4096-byte alignment"), e.getMessage());
        assertTrue(direct.stores.isEmpty());
        assertTrue(service.disks().isEmpty());
    }

    private List<String> listDir() throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void deleteRefusesADiskInUseUnlessForcedAndThenItsHandlesFail() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        service.listenerAdded(heard::add);
        service.listenerAdded(id -> {
            throw new IllegalStateException("a broken listener");
        });
        VirtualDisk disk = create("d1", 4 * M);
        DiskHandle handle = disk.open("vm1");
        DiskException inUse = assertThrows(DiskException.class, () -> service.delete("d1", false));
        assertEquals(List.of(), heard, "a refused delete is not announced");
        assertEquals("disk d1 has 1 open handle(s); close them, or use --force", inUse.getMessage());
        assertTrue(service.disk("d1").isPresent());
        service.delete("d1", true);
        assertTrue(service.disk("d1").isEmpty());
        assertFalse(Files.exists(dir.resolve("d1.disk")));
        assertTrue(backend.stores.isEmpty());
        DiskUnavailableException gone = assertThrows(DiskUnavailableException.class, () -> handle.write(0, pattern(4096, 1)));
        assertEquals("disk d1 was deleted", gone.getMessage());
        assertEquals(List.of("d1"), heard, "listeners hear of the deletion; a failing one does not stop it");
        assertThrows(DiskException.class, () -> service.delete("d1", false));
    }

    // ---- the data path --------------------------------------------------------------------------

    @Test
    void outOfRangeAndMisalignedIoIsRefusedBeforeAnythingHappens() throws Exception {
        List<String> trace = new CopyOnWriteArrayList<>();
        service.factoryAdded(new Factory("rec", FilterClass.INSPECTION, 0, c -> new Recording("rec", trace)));
        create("d1", 4 * M);
        service.attach("d1", "rec", Map.of());
        try (DiskHandle h = service.disk("d1").orElseThrow().open("t")) {
            InvalidIoException beyond = assertThrows(InvalidIoException.class, () -> h.write(4 * M, pattern(4096, 1)));
            assertEquals("disk d1: write of 4096 bytes at offset 4194304 is outside the disk (capacity 4194304)", beyond.getMessage());
            InvalidIoException offset = assertThrows(InvalidIoException.class, () -> h.write(100, pattern(4096, 1)));
            assertTrue(offset.getMessage().contains("not aligned to the block size 4096"), offset.getMessage());
            assertThrows(InvalidIoException.class, () -> h.read(0, ByteBuffer.allocate(100)));
            assertThrows(InvalidIoException.class, () -> h.trim(4 * M - 4096, 8192));
            assertThrows(InvalidIoException.class, () -> h.read(-4096, ByteBuffer.allocate(4096)));
            assertThrows(InvalidIoException.class, () -> h.read(0, ByteBuffer.allocate(4096).asReadOnlyBuffer()));
            ByteBuffer src = pattern(4096, 1);
            assertThrows(InvalidIoException.class, () -> h.write(Long.MAX_VALUE - 4095, src));
            assertEquals(0, src.position(), "the buffer of a refused write is untouched");
        }
        assertEquals(List.of(), trace, "no filter saw a refused request");
        assertEquals(0, backend.writes.get());
    }

    @Test
    void filtersRunInClassOrderThenHigherRankFirstWhateverTheAttachOrder() throws Exception {
        List<String> trace = new CopyOnWriteArrayList<>();
        Object[][] filters = {
            {"cache", FilterClass.CACHE, 0}, {"crypt", FilterClass.ENCRYPTION, 5}, {"stats-low", FilterClass.INSPECTION, -1},
            {"replica", FilterClass.REPLICATION, 0}, {"stats-high", FilterClass.INSPECTION, 10}, {"zip", FilterClass.COMPRESSION, 0},
        };
        create("d1", 4 * M);
        for (Object[] f : filters) {
            String name = (String) f[0];
            service.factoryAdded(new Factory(name, (FilterClass) f[1], (Integer) f[2], c -> new Recording(name, trace)));
            service.attach("d1", name, Map.of());
        }
        List<String> expected = List.of("stats-high", "stats-low", "zip", "crypt", "replica", "cache");
        try (DiskHandle h = service.disk("d1").orElseThrow().open("t")) {
            h.write(0, pattern(4096, 2));
        }
        assertEquals(expected, trace);
        assertEquals(expected, service.disk("d1").orElseThrow().info().filters().stream().map(a -> a.descriptor().name()).toList());

        trace.clear();
        try (DiskHandle h = service.disk("d1").orElseThrow().openAt("mgmt", "crypt")) {
            h.read(0, ByteBuffer.allocate(4096));
        }
        assertEquals(List.of("crypt", "replica", "cache"), trace, "a handle at a target filter enters the chain there");

        trace.clear();
        DiskHandle atZip = service.disk("d1").orElseThrow().openAt("mgmt", "zip");
        service.detach("d1", "zip");
        atZip.read(0, ByteBuffer.allocate(4096));
        assertEquals(List.of("crypt", "replica", "cache"), trace, "a detached target: I/O enters just below its place");
        atZip.close();
        assertThrows(IllegalArgumentException.class, () -> service.disk("d1").orElseThrow().openAt("mgmt", "zip"));
    }

    @Test
    void writesReadBackThroughTheChainZeroCopyWithPositionsAtTheLimit() throws Exception {
        AtomicBoolean sawCallerBuffer = new AtomicBoolean();
        ByteBuffer src = pattern(8192, 7);
        service.factoryAdded(new Factory("peek", FilterClass.INSPECTION, 0, c -> (request, next) -> {
            if (request.buffer() == src) {
                sawCallerBuffer.set(true);
            }
            next.proceed(request);
        }));
        create("d1", 4 * M);
        service.attach("d1", "peek", Map.of());
        try (DiskHandle h = service.disk("d1").orElseThrow().open("t")) {
            h.write(8192, src);
            assertEquals(src.limit(), src.position());
            assertTrue(sawCallerBuffer.get(), "the filter sees the caller's own buffer");
            ByteBuffer dst = ByteBuffer.allocateDirect(8192);
            h.read(8192, dst);
            assertEquals(dst.limit(), dst.position());
            assertEquals(src.flip(), dst.flip());
            h.trim(8192, 4096);
            ByteBuffer trimmed = ByteBuffer.allocate(4096);
            h.read(8192, trimmed);
            assertArrayEquals(new byte[4096], trimmed.array());
            h.flush();
        }
        DiskRuntime disk = (DiskRuntime) service.disk("d1").orElseThrow();
        assertEquals(1, disk.io.sum(DiskRuntime.WRITES));
        assertEquals(2, disk.io.sum(DiskRuntime.READS));
        assertEquals(8192 + 4096, disk.io.sum(DiskRuntime.BYTES_READ));
    }

    @Test
    void aFilterThatThrowsFailsOnlyThatRequestNamingTheFilter() throws Exception {
        AtomicLong calls = new AtomicLong();
        service.factoryAdded(new Factory("flaky", FilterClass.INSPECTION, 0, c -> (request, next) -> {
            if (calls.incrementAndGet() % 2 == 0) {
                throw new IllegalStateException("boom");
            }
            next.proceed(request);
        }));
        create("d1", 4 * M);
        service.attach("d1", "flaky", Map.of());
        try (DiskHandle h = service.disk("d1").orElseThrow().open("t")) {
            h.write(0, pattern(4096, 3));
            FilterFailedException failed = assertThrows(FilterFailedException.class, () -> h.write(0, pattern(4096, 4)));
            assertEquals("flaky", failed.filter());
            assertTrue(failed.getMessage().startsWith("filter flaky failed a request on disk d1: java.lang.IllegalStateException: boom"),
                    failed.getMessage());
            ByteBuffer back = ByteBuffer.allocateDirect(4096);
            h.read(0, back);
            assertEquals(pattern(4096, 3), back.flip(), "the failed write changed nothing");
        }
        assertEquals(1, service.filterReports().get(0).failures());
        assertTrue(service.filterReports().get(0).active(), "the filter stays attached");
    }

    @Test
    void attachAndDetachWhileFourThreadsRunIoLoseAndFailNothing() throws Exception {
        List<Recording> made = new CopyOnWriteArrayList<>();
        service.factoryAdded(new Factory("count", FilterClass.INSPECTION, 0, c -> {
            Recording r = new Recording("count", null);
            made.add(r);
            return r;
        }));
        service.factoryAdded(new Factory("other", FilterClass.CACHE, 0, c -> new Recording("other", null)));
        create("d1", 16 * M);
        service.attach("d1", "other", Map.of());
        VirtualDisk disk = service.disk("d1").orElseThrow();
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<Long>> workers = new ArrayList<>();
        int threads = 4;
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(pool.submit(() -> {
                long ops = 0;
                try (DiskHandle h = disk.open("worker-" + thread)) {
                    ByteBuffer out = ByteBuffer.allocateDirect(4096);
                    ByteBuffer in = ByteBuffer.allocateDirect(4096);
                    for (int round = 0; !stop.get() || round < 200; round++) {
                        long block = thread + (long) threads * (round % 1024);
                        out.clear();
                        for (int i = 0; i < 4096; i += 8) {
                            out.putLong(i, block * 1_000_003L + round + i);
                        }
                        h.write(block * 4096, out);
                        in.clear();
                        h.read(block * 4096, in);
                        out.clear();
                        in.clear();
                        if (!in.equals(out)) {
                            throw new AssertionError("thread " + thread + " round " + round + ": block " + block + " read back wrong");
                        }
                        ops += 2;
                    }
                }
                return ops;
            }));
        }
        for (int i = 0; i < 100; i++) {
            service.attach("d1", "count", Map.of());
            service.detach("d1", "count");
        }
        stop.set(true);
        long total = 0;
        for (Future<Long> f : workers) {
            total += f.get(120, TimeUnit.SECONDS);
        }
        assertTrue(total >= threads * 400L);
        assertEquals(100, made.size());
        assertTrue(made.stream().allMatch(r -> r.closed), "every detached filter was closed");
        assertEquals(0, ((DiskRuntime) disk).io.sum(DiskRuntime.ERRORS));
        assertEquals(List.of("other"), disk.info().filters().stream().map(a -> a.descriptor().name()).toList());
    }

    @Test
    void detachHoldsNewIoWhileTheRequestsInTheFilterFinishThenNewIoBypassesIt() throws Exception {
        Blocking blocking = new Blocking();
        service.factoryAdded(new Factory("slow", FilterClass.INSPECTION, 0, c -> blocking));
        VirtualDisk disk = create("d1", 4 * M);
        service.attach("d1", "slow", Map.of());
        DiskHandle h = disk.open("t");
        Future<?> held = pool.submit(() -> {
            h.write(0, pattern(4096, 5));
            return null;
        });
        assertTrue(blocking.entered.await(30, TimeUnit.SECONDS));
        Future<?> detach = pool.submit(() -> {
            service.detach("d1", "slow");
            return null;
        });
        waitUntil(() -> ((DiskRuntime) disk).chain().hold != null);
        // New I/O waits at the barrier: it neither enters the leaving filter nor overtakes the held write.
        Future<?> newIo = pool.submit(() -> {
            h.write(4096, pattern(4096, 6));
            return null;
        });
        assertFalse(detach.isDone(), "detach returns only after the held request left the filter");
        assertFalse(newIo.isDone(), "new I/O waits while the filter drains");
        assertFalse(blocking.closed, "the filter is not closed while it holds a request");
        blocking.release.countDown();
        detach.get(30, TimeUnit.SECONDS);
        held.get(30, TimeUnit.SECONDS);
        newIo.get(30, TimeUnit.SECONDS);
        assertTrue(blocking.closed);
        assertTrue(disk.info().filters().isEmpty());
        ByteBuffer back = ByteBuffer.allocateDirect(8192);
        h.read(0, back);
        back.flip();
        assertEquals(pattern(4096, 5), back.slice(0, 4096), "the held write completed");
        assertEquals(pattern(4096, 6), back.slice(4096, 4096), "the new write went on without the filter");
        h.close();
    }

    @Test
    void whenAFactoryGoesAwayNewIoIsHeldInFlightIoDrainsAndNothingFails() throws Exception {
        Blocking blocking = new Blocking();
        Factory factory = new Factory("plugin", FilterClass.INSPECTION, 0, c -> blocking);
        service.factoryAdded(factory);
        VirtualDisk disk = create("d1", 4 * M);
        service.attach("d1", "plugin", Map.of("k", "v"));
        DiskHandle h = disk.open("t");
        Future<?> inFlight = pool.submit(() -> {
            h.write(0, pattern(4096, 8));
            return null;
        });
        assertTrue(blocking.entered.await(30, TimeUnit.SECONDS));
        Future<?> removal = pool.submit(() -> service.factoryRemoved(factory));
        waitUntil(() -> ((DiskRuntime) disk).chain().hold != null);
        // New I/O arriving now is held, not failed and not sent around the filter.
        Future<?> newIo = pool.submit(() -> {
            h.write(4096, pattern(4096, 9));
            return null;
        });
        assertFalse(removal.isDone(), "the removal waits for the request inside the filter");
        assertFalse(newIo.isDone(), "new I/O is held while the filter drains");
        blocking.release.countDown();
        removal.get(30, TimeUnit.SECONDS);
        inFlight.get(30, TimeUnit.SECONDS);
        newIo.get(30, TimeUnit.SECONDS);
        assertTrue(blocking.closed);
        FilterAttachment a = disk.info().filters().get(0);
        assertFalse(a.active(), "the attachment stays, inactive");
        assertEquals(Map.of("k", "v"), a.config());
        assertTrue(service.availableFilters().isEmpty());
        ByteBuffer back = ByteBuffer.allocateDirect(8192);
        h.read(0, back);
        back.flip();
        assertEquals(pattern(4096, 8), back.slice(0, 4096));
        assertEquals(pattern(4096, 9), back.slice(4096, 4096));
        assertEquals(0, ((DiskRuntime) disk).io.sum(DiskRuntime.ERRORS));

        // The factory returns (the bundle is deployed again): the filter is linked again.
        List<String> trace = new CopyOnWriteArrayList<>();
        Factory back2 = new Factory("plugin", FilterClass.INSPECTION, 0, c -> new Recording("plugin", trace));
        service.factoryAdded(back2);
        assertTrue(disk.info().filters().get(0).active());
        h.flush();
        assertEquals(List.of("plugin"), trace);
        h.close();
    }

    @Test
    void aFilterHoldingARequestPastTheTimeoutIsTimedOutAndItsCallerFailsByName() throws Exception {
        Blocking blocking = new Blocking();
        service.factoryAdded(new Factory("stuck", FilterClass.INSPECTION, 0, c -> blocking));
        service.factoryAdded(new Factory("fine", FilterClass.CACHE, 0, c -> new Recording("fine", null)));
        VirtualDisk disk = create("d1", 4 * M);
        service.attach("d1", "stuck", Map.of());
        service.attach("d1", "fine", Map.of());
        DiskHandle h = disk.open("t");
        Future<?> held = pool.submit(() -> {
            h.read(0, ByteBuffer.allocate(4096));
            return null;
        });
        assertTrue(blocking.entered.await(30, TimeUnit.SECONDS));
        service.scanHeld(System.nanoTime());
        assertTrue(service.filterReports().stream().allMatch(r -> r.longestHeldNanos() == 0), "not past the timeout yet");
        long later = System.nanoTime() + Duration.ofSeconds(31).toNanos();
        service.scanHeld(later);
        // The watchdog interrupted the filter's wait: the caller fails with the time-out, not with what the filter threw.
        java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> held.get(30, TimeUnit.SECONDS));
        FilterTimeoutException timeout = assertInstanceOf(FilterTimeoutException.class, failed.getCause());
        assertEquals("stuck", timeout.filter());
        assertOneLine("disk d1: filter stuck held the READ at offset 0 longer than filterTimeout 30s", timeout);
        DiskAdmin.FilterReport stuck = service.filterReports().stream().filter(r -> r.filter().equals("stuck")).findFirst().orElseThrow();
        DiskAdmin.FilterReport fine = service.filterReports().stream().filter(r -> r.filter().equals("fine")).findFirst().orElseThrow();
        assertTrue(stuck.longestHeldNanos() > Duration.ofSeconds(30).toNanos(), "reported: " + stuck);
        assertEquals(1, stuck.failures());
        assertTrue(stuck.lastError().contains("longer than filterTimeout"), stuck.lastError());
        assertEquals(0, fine.longestHeldNanos());
        h.close();
    }

    @Test
    void aFilterConfigTheFactoryRefusesAttachesNothing() throws Exception {
        service.factoryAdded(new Factory("picky", FilterClass.INSPECTION, 0, c -> {
            throw new IllegalArgumentException("key rate must be a number");
        }));
        create("d1", 4 * M);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> service.attach("d1", "picky", Map.of("rate", "x")));
        assertEquals("filter picky refused its configuration: key rate must be a number", e.getMessage());
        assertTrue(service.disks().get(0).filters().isEmpty());
        assertFalse(Files.readString(dir.resolve("d1.disk")).contains("picky"));
        assertThrows(IllegalArgumentException.class, () -> service.attach("d1", "nosuch", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> service.attach("d9", "picky", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> service.detach("d1", "picky"));
        assertThrows(IllegalArgumentException.class, () -> service.attach("esx2", "d1", "picky", Map.of()));
    }

    @Test
    void withoutItsBackendADiskIsUnavailableAndComesBackWithIt() throws Exception {
        VirtualDisk disk = create("d1", 4 * M);
        DiskHandle h = disk.open("t");
        h.write(0, pattern(4096, 1));
        service.backendRemoved("local", backend);
        DiskUnavailableException e = assertThrows(DiskUnavailableException.class, () -> h.read(0, ByteBuffer.allocate(4096)));
        assertTrue(e.getMessage().contains("backend local is not available"), e.getMessage());
        service.backendAdded("local", backend);
        ByteBuffer back = ByteBuffer.allocateDirect(4096);
        h.read(0, back);
        assertEquals(pattern(4096, 1), back.flip());
        h.close();
    }

    @Test
    void theSteadyStateDataPathAllocatesNothing() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "the JVM does not count allocated bytes per thread");
        service.factoryAdded(new Factory("a", FilterClass.INSPECTION, 0, c -> new Recording("a", null)));
        service.factoryAdded(new Factory("b", FilterClass.CACHE, 0, c -> new Recording("b", null)));
        VirtualDisk disk = create("d1", 4 * M);
        service.attach("d1", "a", Map.of());
        service.attach("d1", "b", Map.of());
        try (DiskHandle h = disk.open("t")) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
            for (int i = 0; i < 50_000; i++) {
                buffer.clear();
                h.write((i % 1024) * 4096L, buffer);
                buffer.clear();
                h.read((i % 1024) * 4096L, buffer);
            }
            long id = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 10_000; i++) {
                buffer.clear();
                h.write((i % 1024) * 4096L, buffer);
                buffer.clear();
                h.read((i % 1024) * 4096L, buffer);
            }
            long allocated = threads.getThreadAllocatedBytes(id) - before;
            assertTrue(allocated < 20_000, "20,000 I/Os through two filters allocated " + allocated + " bytes");
        }
    }
}
