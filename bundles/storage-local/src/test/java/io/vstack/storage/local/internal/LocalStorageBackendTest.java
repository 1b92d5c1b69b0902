package io.vstack.storage.local.internal;

import io.vstack.api.testing.Configs;
import io.vstack.api.testing.FakeHosts;
import io.vstack.api.testing.LogLines;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vstack.api.storage.BackendStatus;
import io.vstack.api.storage.BackendUnavailableException;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreExistsException;
import io.vstack.api.storage.StoreNotFoundException;
import io.vstack.api.storage.StoreSpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LocalStorageBackendTest {

    private static final long G = 1L << 30;

    private Path root;
    private FakeHosts hosts;
    private LocalStorageBackend backend;

    @BeforeEach
    void setUp() throws IOException {
        // Under target/ (the build's own disk), not /tmp: tmpfs would refuse O_DIRECT and sparse checks differ.
        Path target = Path.of("target");
        Files.createDirectories(target);
        root = Files.createTempDirectory(target.toAbsolutePath(), "local-backend-test");
        hosts = new FakeHosts().add("esx1", Files.createDirectories(root.resolve("esx1-local0")), 100L << 30)
                .add("esx2", Files.createDirectories(root.resolve("esx2-local0")), 100L << 30);
        backend = new LocalStorageBackend(hosts, root.resolve("fallback"), false);
    }

    @AfterEach
    void tearDown() throws IOException {
        try (var files = Files.walk(root)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void createPutsASparseFileOnTheHostsLocalDeviceThatTakesNoSpace() throws Exception {
        try (BlockStore store = backend.create(new StoreSpec("big", 10 * G, 4096, "esx1"))) {
            Path file = root.resolve("esx1-local0").resolve("big.img");
            assertTrue(Files.isRegularFile(file));
            assertEquals(10 * G, Files.size(file));
            assertEquals(10 * G, store.capacity());
            assertTrue(allocatedBytes(file) < 1 << 20, "a new 10G store allocates nothing, got " + allocatedBytes(file));
            ByteBuffer block = ByteBuffer.allocate(4096);
            store.read(5 * G, block);
            assertTrue(isZero(block.array()), "never-written bytes read as zero");
            store.write(5 * G, filled(4096, (byte) 7));
            store.flush();
            assertTrue(allocatedBytes(file) < 1 << 20, "one written block allocates about one block");
        }
    }

    @Test
    void writtenBytesReadBackAfterReopenAndPositionsEndAtTheLimit() throws Exception {
        byte[] data = new byte[64 * 1024];
        new Random(1).nextBytes(data);
        try (BlockStore store = backend.create(new StoreSpec("d1", 1 << 20, 4096, "esx1"))) {
            ByteBuffer src = ByteBuffer.wrap(data);
            store.write(8192, src);
            assertEquals(src.limit(), src.position());
            store.flush();
        }
        try (BlockStore store = backend.open("d1", "esx1")) {
            ByteBuffer dst = ByteBuffer.allocateDirect(data.length);
            store.read(8192, dst);
            assertEquals(dst.limit(), dst.position());
            byte[] back = new byte[data.length];
            dst.flip().get(back);
            assertArrayEquals(data, back);
        }
    }

    @Test
    void aHostWithoutTheStoreStillFindsItOnAnotherHostsDeviceAndUnknownHostsUseTheFallback() throws Exception {
        backend.create(new StoreSpec("s1", 1 << 20, 4096, "esx1")).close();
        backend.open("s1", "esx2").close();
        try (BlockStore store = backend.create(new StoreSpec("s2", 1 << 20, 4096, "nohost"))) {
            assertEquals(1 << 20, store.capacity());
            assertTrue(Files.isRegularFile(root.resolve("fallback").resolve("s2.img")));
        }
        backend.open("s2", "nohost").close();
    }

    @Test
    void duplicatesAndMissingStoresAreRefusedNamingTheBackendAndStore() throws Exception {
        backend.create(new StoreSpec("dup", 1 << 20, 4096, "esx1")).close();
        StoreExistsException exists = assertThrows(StoreExistsException.class,
                () -> backend.create(new StoreSpec("dup", 1 << 20, 4096, "esx2")));
        assertTrue(exists.getMessage().startsWith("local: store dup exists already"), exists.getMessage());
        StoreNotFoundException missing = assertThrows(StoreNotFoundException.class, () -> backend.open("nope", "esx1"));
        assertTrue(missing.getMessage().contains("local: no store nope"), missing.getMessage());
        backend.delete("dup");
        assertFalse(Files.exists(root.resolve("esx1-local0").resolve("dup.img")));
        assertThrows(StoreNotFoundException.class, () -> backend.delete("dup"));
    }

    @Test
    void trimInTheMiddleReadsZeroAndLeavesNeighboursAlone() throws Exception {
        try (BlockStore store = backend.create(new StoreSpec("t", 1 << 20, 4096, "esx1"))) {
            store.write(0, filled(256 * 1024, (byte) 9));
            store.trim(4096, 3 * 4096);
            ByteBuffer all = ByteBuffer.allocate(256 * 1024);
            store.read(0, all);
            byte[] bytes = all.array();
            for (int i = 0; i < bytes.length; i++) {
                byte expected = i >= 4096 && i < 4 * 4096 ? 0 : (byte) 9;
                assertEquals(expected, bytes[i], "byte " + i);
            }
        }
    }

    @Test
    void trimOfTheTailFreesTheBlocksAndKeepsTheCapacity() throws Exception {
        try (BlockStore store = backend.create(new StoreSpec("tail", 8 << 20, 4096, "esx1"))) {
            Path file = root.resolve("esx1-local0").resolve("tail.img");
            store.write(0, filled(8 << 20, (byte) 3));
            store.flush();
            long before = allocatedBytes(file);
            store.trim(1 << 20, 7 << 20);
            assertEquals(8 << 20, Files.size(file));
            assertTrue(allocatedBytes(file) <= before - (6 << 20), "tail trim frees space: " + before + " -> " + allocatedBytes(file));
            ByteBuffer back = ByteBuffer.allocate(8 << 20);
            store.read(0, back);
            assertEquals(3, back.get((1 << 20) - 1));
            assertEquals(0, back.get(1 << 20));
            assertEquals(0, back.get((8 << 20) - 1));
        }
    }

    @Test
    void outOfRangeIsAnIllegalArgumentNamingTheStore() throws Exception {
        try (BlockStore store = backend.create(new StoreSpec("r", 1 << 20, 4096, "esx1"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> store.write((1 << 20) - 100, ByteBuffer.allocate(4096)));
            assertTrue(e.getMessage().startsWith("local: store r: write of 4096 bytes"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> store.trim(-1, 10));
        }
    }

    @Test
    void simulationKnobsApplyToEveryOperationAndFaultsNameTheBackend() throws Exception {
        try (BlockStore store = backend.create(new StoreSpec("k", 1 << 20, 4096, "esx1"))) {
            FakeHosts.FakeKnobs knobs = hosts.knobs("esx1");
            int before = knobs.operations();
            store.write(0, ByteBuffer.allocate(4096));
            store.read(0, ByteBuffer.allocate(4096));
            store.flush();
            store.trim(0, 4096);
            assertEquals(before + 4, knobs.operations());
            knobs.setFailureRate(1);
            StorageException fault = assertThrows(StorageException.class, () -> store.read(0, ByteBuffer.allocate(4096)));
            assertTrue(fault.getMessage().startsWith("local: store k: esx1/local0: read of store k failed"), fault.getMessage());
            knobs.setFailureRate(0);
            knobs.setDown(true);
            assertInstanceOf(BackendUnavailableException.class,
                    assertThrows(StorageException.class, () -> store.write(0, ByteBuffer.allocate(4096))));
            knobs.setDown(false);
            store.read(0, ByteBuffer.allocate(4096));
        }
    }

    @Test
    void anInterruptedThreadFailsOnlyItsOwnRequestAndTheStoreStaysUsable() throws Exception {
        try (BlockStore store = backend.create(new StoreSpec("i", 1 << 20, 4096, "esx1"))) {
            store.write(0, filled(4096, (byte) 5));
            Thread.currentThread().interrupt();
            try {
                assertThrows(StorageException.class, () -> store.read(0, ByteBuffer.allocate(4096)));
            } finally {
                Thread.interrupted();
            }
            ByteBuffer back = ByteBuffer.allocate(4096);
            store.read(0, back);
            assertEquals(5, back.get(100));
        }
    }

    @Test
    void concurrentWritersOnDisjointBlocksAllReadBack() throws Exception {
        try (BlockStore store = backend.create(new StoreSpec("c", 4 << 20, 4096, "esx1"))) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    ByteBuffer b = ByteBuffer.allocateDirect(4096);
                    for (int block = thread; block < 1024; block += 4) {
                        b.clear();
                        while (b.hasRemaining()) {
                            b.putInt(block);
                        }
                        b.flip();
                        store.write(block * 4096L, b);
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            ByteBuffer all = ByteBuffer.allocate(4 << 20);
            store.read(0, all);
            for (int block = 0; block < 1024; block++) {
                assertEquals(block, all.getInt(block * 4096 + 4092), "block " + block);
            }
        }
    }

    @Test
    void steadyStateReadsAndWritesAllocateNothing() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "the JVM does not count allocated bytes per thread");
        try (BlockStore store = backend.create(new StoreSpec("a", 1 << 20, 4096, "esx1"))) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
            for (int i = 0; i < 20_000; i++) {
                buffer.clear();
                store.write((i % 256) * 4096L, buffer);
                buffer.clear();
                store.read((i % 256) * 4096L, buffer);
            }
            long id = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 10_000; i++) {
                buffer.clear();
                store.write((i % 256) * 4096L, buffer);
                buffer.clear();
                store.read((i % 256) * 4096L, buffer);
            }
            long allocated = threads.getThreadAllocatedBytes(id) - before;
            assertTrue(allocated < 20_000, "20,000 I/Os allocated " + allocated + " bytes");
        }
    }

    @Test
    void directIoUsesTheFileSystemBlockSizeAndKeepsDataIntact() throws Exception {
        LocalStorageBackend directBackend = new LocalStorageBackend(hosts, root.resolve("fallback"), true);
        BlockStore store;
        try {
            store = directBackend.create(new StoreSpec("direct", 1 << 20, 4096, "esx1"));
        } catch (StorageException e) {
            assumeTrue(false, "the file system under " + root + " refuses O_DIRECT, direct I/O not tested: " + e.getMessage());
            return;
        }
        try (store) {
            int alignment = store.alignment();
            assertTrue(alignment >= 512 && Integer.bitCount(alignment) == 1, "alignment " + alignment);
            byte[] data = new byte[4 * alignment];
            new Random(3).nextBytes(data);
            ByteBuffer aligned = ByteBuffer.allocateDirect(data.length + alignment).alignedSlice(alignment);
            aligned.put(data).flip();
            store.write(alignment, aligned);
            store.flush();
            // A heap buffer goes through the bounce buffer.
            ByteBuffer heap = ByteBuffer.allocate(data.length);
            store.read(alignment, heap);
            assertArrayEquals(data, heap.array());
            IllegalArgumentException misaligned = assertThrows(IllegalArgumentException.class,
                    () -> store.read(alignment / 2, ByteBuffer.allocateDirect(alignment)));
            assertTrue(misaligned.getMessage().contains("not aligned"), misaligned.getMessage());
            store.trim(alignment, alignment);
            ByteBuffer back = ByteBuffer.allocate(2 * alignment);
            store.read(alignment, back);
            assertTrue(isZero(java.util.Arrays.copyOf(back.array(), alignment)));
            assertEquals(data[alignment], back.get(alignment));
        }
    }

    @Test
    void statusCountsStoresAndRejectsBadConfig() throws Exception {
        backend.create(new StoreSpec("s", 10 * G, 4096, "esx1")).close();
        BackendStatus status = backend.status();
        assertEquals("local", status.name());
        assertEquals(10 * G, status.used());
        assertEquals(BackendStatus.Health.HEALTHY, status.health());
        assertTrue(status.detail().startsWith("1 stores"), status.detail());
    }

    @Test
    void aBadValueChangesNothingAndIsOneLineNamingPidAndKey() throws Exception {
        List<String> startLog = LogLines.warnings(() -> backend = new LocalStorageBackend(hosts,
                Configs.of(LocalStorageBackend.Config.class, "directory", "/dev/null"), root));
        assertEquals(List.of("io.vstack.storage.local: key 'directory': /dev/null is in /dev, not a directory vstack may "
                + "write; configuration refused, starting with the defaults"), startLog);
        List<String> log = LogLines.warnings(() -> {
            backend.modified(Configs.of(LocalStorageBackend.Config.class, "directIo", "yes"));
            backend.modified(Configs.of(LocalStorageBackend.Config.class, "directory", root.resolve("other").toString()));
        });
        assertEquals(List.of("io.vstack.storage.local: key 'directIo': must be true or false, not 'yes'; configuration "
                        + "refused, keeping the previous one",
                "io.vstack.storage.local: key 'directory': cannot change while running (running with "
                        + root.resolve("vstack/storage/local") + ", configured " + root.resolve("other")
                        + "); it applies when the bundle restarts; configuration refused, keeping the previous one"), log);
        assertFalse(backend.direct());
        backend.modified(Configs.of(LocalStorageBackend.Config.class, "directIo", "true"));
        assertTrue(backend.direct());
    }

    private static ByteBuffer filled(int size, byte value) {
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, value);
        return ByteBuffer.wrap(bytes);
    }

    private static boolean isZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** Bytes the file system allocated for a file ({@code stat %b × 512}); Java has no portable call for it. */
    private static long allocatedBytes(Path file) throws IOException, InterruptedException {
        Process stat = new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
        String out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assumeTrue(stat.waitFor() == 0, "stat is not available: " + out);
        return Long.parseLong(out) * 512;
    }
}
