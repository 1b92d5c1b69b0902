package io.vstack.storage.vsan.internal;

import io.vstack.api.testing.FakeHosts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.storage.BackendStatus.Health;
import io.vstack.api.storage.BackendUnavailableException;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.CapacityExceededException;
import io.vstack.api.storage.StoreSpec;
import io.vstack.api.testing.Configs;
import io.vstack.api.testing.LogLines;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VsanBackendTest {

    @TempDir
    Path dir;

    private final List<VsanBackend> backends = new ArrayList<>();

    @AfterEach
    void closeBackends() {
        backends.forEach(VsanBackend::close);
    }

    private VsanBackend backend(FakeHosts hosts, Duration resync) throws Exception {
        VsanBackend backend = new VsanBackend(hosts, dir.resolve("cluster"), 1, List.of(), resync);
        backends.add(backend);
        return backend;
    }

    private static ByteBuffer pattern(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return ByteBuffer.wrap(bytes);
    }

    private static byte[] read(BlockStore store, long offset, int length) throws Exception {
        ByteBuffer dst = ByteBuffer.allocate(length);
        store.read(offset, dst);
        return dst.array();
    }

    @Test
    void objectIsMirroredOnTwoHostsLocalDevices() throws Exception {
        FakeHosts hosts = FakeHosts.withLocalDevices(dir, 1L << 30, "esx1", "esx2", "esx3");
        VsanBackend vsan = backend(hosts, Duration.ZERO);
        try (BlockStore store = vsan.create(new StoreSpec("db1", 4 << 20, 4096, "esx1"))) {
            store.write(12288, pattern(8192, 7));
            store.flush();
        }
        List<Path> replicas = new ArrayList<>();
        for (String host : List.of("esx1", "esx2", "esx3")) {
            Path file = dir.resolve(host).resolve("local0").resolve("vsan").resolve("db1.data");
            if (Files.exists(file)) {
                replicas.add(file);
                byte[] bytes = Files.readAllBytes(file);
                byte[] written = new byte[8192];
                System.arraycopy(bytes, 12288, written, 0, 8192);
                assertArrayEquals(pattern(8192, 7).array(), written, "replica " + file);
            }
        }
        assertEquals(2, replicas.size(), "one failure tolerated: two replicas");
        assertEquals(Health.HEALTHY, vsan.status().health());
    }

    @Test
    void hostFailingMidWriteLosesNoAcknowledgedWriteAndResyncRestoresRedundancy() throws Exception {
        FakeHosts hosts = FakeHosts.withLocalDevices(dir, 1L << 30, "esx1", "esx2");
        VsanBackend vsan = backend(hosts, Duration.ZERO);
        BlockStore store = vsan.create(new StoreSpec("db1", 8 << 20, 4096, "esx1"));
        int threads = 3;
        int blocks = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch halfway = new CountDownLatch(threads);
        CountDownLatch hostDown = new CountDownLatch(1);
        List<Future<?>> writers = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    for (int b = 0; b < blocks; b++) {
                        if (b == blocks / 2) {
                            // Every writer is mid-stream when the host fails: half its writes before, half after.
                            halfway.countDown();
                            hostDown.await();
                        }
                        long block = (long) b * threads + thread;
                        store.write(block * 4096, pattern(4096, block));
                    }
                    return null;
                }));
            }
            halfway.await();
            hosts.knobs("esx2").setDown(true);
            hostDown.countDown();
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Health.DEGRADED, vsan.status().health());
        assertTrue(vsan.status().detail().contains("stale replicas: db1 on esx2"), vsan.status().detail());
        for (long block = 0; block < threads * blocks; block++) {
            assertArrayEquals(pattern(4096, block).array(), read(store, block * 4096, 4096), "degraded read " + block);
        }

        assertEquals(0, vsan.resyncNow(), "no resync while the host is down");
        hosts.knobs("esx2").setDown(false);
        assertTrue(vsan.resyncNow() > 0);
        assertEquals(Map.of(), vsan.dirtyRegions("db1"));
        assertEquals(Health.HEALTHY, vsan.status().health());

        // Now lose the other host: everything must come from the resynced replica.
        hosts.knobs("esx1").setDown(true);
        for (long block = 0; block < threads * blocks; block++) {
            assertArrayEquals(pattern(4096, block).array(), read(store, block * 4096, 4096), "resynced read " + block);
        }
        store.close();
    }

    @Test
    void bothHostsDownIsAClearErrorAndAStaleReplicaIsNeverRead() throws Exception {
        FakeHosts hosts = FakeHosts.withLocalDevices(dir, 1L << 30, "esx1", "esx2");
        VsanBackend vsan = backend(hosts, Duration.ZERO);
        BlockStore store = vsan.create(new StoreSpec("db1", 1 << 20, 4096, "esx1"));
        store.write(0, pattern(4096, 1));
        hosts.knobs("esx2").setDown(true);
        store.write(0, pattern(4096, 2));
        hosts.knobs("esx2").setDown(false);
        hosts.knobs("esx1").setDown(true);
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> read(store, 0, 4096));
        assertTrue(e.getMessage().startsWith("vsan: object db1: read at 0 failed: no in-sync replica reachable"),
                e.getMessage());
        hosts.knobs("esx1").setDown(false);
        assertArrayEquals(pattern(4096, 2).array(), read(store, 0, 4096));
        store.close();
    }

    @Test
    void staleStateSurvivesAReopenAndTheResyncThreadRepairsIt() throws Exception {
        FakeHosts hosts = FakeHosts.withLocalDevices(dir, 1L << 30, "esx1", "esx2");
        VsanBackend first = backend(hosts, Duration.ZERO);
        BlockStore store = first.create(new StoreSpec("db1", 2 << 20, 4096, "esx1"));
        hosts.knobs("esx1").setDown(true);
        store.write(4096, pattern(4096, 3));
        store.flush();
        store.close();
        first.close();

        hosts.knobs("esx1").setDown(false);
        VsanBackend second = backend(hosts, Duration.ofMillis(20));
        BlockStore reopened = second.open("db1", "esx1");
        hosts.knobs("esx2").setDown(true);
        assertThrows(BackendUnavailableException.class, () -> read(reopened, 4096, 4096),
                "esx1 is stale until resynced, and esx2 is down");
        hosts.knobs("esx2").setDown(false);
        await(() -> second.dirtyRegions("db1").isEmpty());
        hosts.knobs("esx2").setDown(true);
        assertArrayEquals(pattern(4096, 3).array(), read(reopened, 4096, 4096));
        reopened.close();
    }

    @Test
    void placementNeedsTwoHostsWithRoom() throws Exception {
        FakeHosts hosts = FakeHosts.withLocalDevices(dir, 16 << 20, "esx1", "esx2");
        VsanBackend vsan = backend(hosts, Duration.ZERO);
        vsan.create(new StoreSpec("a", 12 << 20, 4096, "esx1")).close();
        CapacityExceededException e = assertThrows(CapacityExceededException.class,
                () -> vsan.create(new StoreSpec("b", 8 << 20, 4096, "esx1")));
        assertTrue(e.getMessage().startsWith("vsan: cannot place object b of 8.0M: it needs 2 hosts with room, 0 have it"),
                e.getMessage());
        hosts.knobs("esx2").setDown(true);
        assertThrows(BackendUnavailableException.class, () -> vsan.create(new StoreSpec("c", 1 << 20, 4096, "esx1")));
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    @Test
    void aBadValueChangesNothingAndIsOneLineNamingPidAndKey() throws Exception {
        FakeHosts hosts = FakeHosts.withLocalDevices(dir, 1L << 30, "esx1", "esx2");
        List<String> startLog = LogLines.warnings(() -> backends.add(new VsanBackend(hosts,
                Configs.of(VsanBackend.Config.class, "failuresToTolerate", "abc"), dir)));
        assertEquals(List.of("io.vstack.storage.vsan: key 'failuresToTolerate': 'abc' is not a whole number; "
                + "configuration refused, starting with the defaults"), startLog);
        VsanBackend vsan = backends.get(0);
        VsanBackend.Settings before = vsan.settings();
        assertEquals(1, before.failuresToTolerate());
        List<String> log = LogLines.warnings(() -> {
            vsan.modified(Configs.of(VsanBackend.Config.class, "resyncInterval", "0"));
            vsan.modified(Configs.of(VsanBackend.Config.class, "failuresToTolerate", "2"));
        });
        assertEquals(List.of("io.vstack.storage.vsan: key 'resyncInterval': must be more than 0; configuration refused, "
                        + "keeping the previous one",
                "io.vstack.storage.vsan: key 'failuresToTolerate': cannot change while running (running with 1, configured 2); "
                        + "it applies when the bundle restarts; configuration refused, keeping the previous one"), log);
        assertEquals(before, vsan.settings());
        try (BlockStore store = vsan.create(new StoreSpec("o1", 1 << 20, 4096, "esx1"))) {
            store.write(0, pattern(4096, 1));
            assertArrayEquals(pattern(4096, 1).array(), read(store, 0, 4096));
        }
    }
}
