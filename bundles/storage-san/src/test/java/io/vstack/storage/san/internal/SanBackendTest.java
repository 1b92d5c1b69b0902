package io.vstack.storage.san.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.storage.BackendStatus.Health;
import io.vstack.api.testing.Configs;
import io.vstack.api.testing.LogLines;
import io.vstack.api.storage.BackendUnavailableException;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.CapacityExceededException;
import io.vstack.api.storage.StoreSpec;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SanBackendTest {

    @TempDir
    Path dir;

    private static ByteBuffer pattern(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return ByteBuffer.wrap(bytes);
    }

    private static byte[] read(BlockStore store, long offset, int length) throws Exception {
        ByteBuffer dst = ByteBuffer.allocate(length);
        store.read(offset, dst);
        assertEquals(length, dst.position());
        return dst.array();
    }

    @Test
    void lunIsAnExtentOfItsFullSizeInTheArrayDirectory() throws Exception {
        SanBackend san = new SanBackend("a1", dir, 1 << 30, 2, Duration.ZERO);
        try (BlockStore lun = san.create(new StoreSpec("db1", 8 << 20, 4096, "esx1"))) {
            assertEquals(8 << 20, Files.size(dir.resolve("db1.lun")));
            assertTrue(Files.readString(dir.resolve("db1.meta")).contains("capacity=8388608"));
            assertArrayEquals(new byte[4096], read(lun, 4 << 20, 4096));
        }
        assertEquals(8 << 20, san.status().used());
    }

    @Test
    void writesFailOverWhileOnePathLivesAndNameTheBackendWhenNoneDoes() throws Exception {
        SanBackend san = new SanBackend("a1", dir, 1 << 30, 2, Duration.ZERO);
        BlockStore lun = san.create(new StoreSpec("db1", 1 << 20, 512, "esx1"));
        san.simulatePath("path0", null, true);
        assertEquals(Health.DEGRADED, san.status().health());
        for (int i = 0; i < 8; i++) {
            lun.write(i * 4096L, pattern(4096, i));
        }
        lun.flush();
        for (int i = 0; i < 8; i++) {
            assertArrayEquals(pattern(4096, i).array(), read(lun, i * 4096L, 4096));
        }
        assertTrue(san.failovers.sum() > 0, "round robin hit the dead path and failed over");

        san.simulatePath("path1", null, true);
        assertEquals(Health.DOWN, san.status().health());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> lun.write(0, pattern(512, 99)));
        assertTrue(e.getMessage().startsWith("san-a1: LUN db1: write at 0 failed: all 2 paths"), e.getMessage());

        san.simulatePath("path1", null, false);
        assertArrayEquals(pattern(4096, 0).array(), read(lun, 0, 4096), "the failed write changed nothing it acknowledged");
        lun.close();
    }

    @Test
    void concurrentWritersLoseNothingWhilePathsFlap() throws Exception {
        SanBackend san = new SanBackend("a1", dir, 1 << 30, 3, Duration.ZERO);
        BlockStore lun = san.create(new StoreSpec("db1", 4 << 20, 4096, "esx1"));
        int threads = 4;
        int blocksPerThread = 64;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch started = new CountDownLatch(threads);
        try {
            // Flap the paths one at a time, so at least two of the three are always up.
            Future<?> flapper = pool.submit(() -> {
                started.await();
                for (int round = 0; writing.get(); round++) {
                    String p = "path" + (round % 3);
                    san.simulatePath(p, null, true);
                    san.simulatePath(p, null, false);
                }
                return null;
            });
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    started.countDown();
                    for (int b = 0; b < blocksPerThread; b++) {
                        long block = (long) b * threads + thread;
                        lun.write(block * 4096, pattern(4096, block));
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
            writing.set(false);
            flapper.get();
        } finally {
            pool.shutdownNow();
        }
        for (long block = 0; block < (long) threads * blocksPerThread; block++) {
            assertArrayEquals(pattern(4096, block).array(), read(lun, block * 4096, 4096), "block " + block);
        }
        lun.close();
    }

    @Test
    void arrayRefusesALunThatDoesNotFitAndChangesNothing() throws Exception {
        SanBackend san = new SanBackend("a1", dir, 16 << 20, 2, Duration.ZERO);
        san.create(new StoreSpec("a", 12 << 20, 4096, "esx1")).close();
        CapacityExceededException e = assertThrows(CapacityExceededException.class,
                () -> san.create(new StoreSpec("b", 8 << 20, 4096, "esx1")));
        assertTrue(e.getMessage().startsWith("san-a1: no room for LUN b"), e.getMessage());
        assertEquals(List.of("a"), san.luns());
    }

    @Test
    void aBadValueAtTheFirstStartStartsTheArrayWithItsDefaults() throws Exception {
        List<String> log = LogLines.warnings(() -> {
            SanBackend san = new SanBackend(Configs.of(SanBackend.Config.class, "paths", "9"), dir);
            assertEquals(List.of("path0", "path1"), san.pathNames());
            assertEquals(dir.resolve("vstack/san/array1"), san.settings().directory());
        });
        assertEquals(List.of("io.vstack.storage.san: key 'paths': 9 must be from 2 to 8; configuration refused, "
                + "starting with the defaults"), log);
    }

    @Test
    void aBadValueChangesNothingAndIsOneLineNamingPidAndKey() throws Exception {
        SanBackend san = new SanBackend(Configs.of(SanBackend.Config.class, "capacity", "1G", "paths", "3"), dir);
        SanBackend.Settings before = san.settings();
        List<String> log = LogLines.warnings(() -> {
            san.modified(Configs.of(SanBackend.Config.class, "capacity", "1G", "paths", "9"));
            san.modified(Configs.of(SanBackend.Config.class, "capacity", "abc", "paths", "3"));
            san.modified(Configs.of(SanBackend.Config.class, "directory", "/dev/null", "capacity", "1G", "paths", "3"));
        });
        assertEquals(List.of(
                "io.vstack.storage.san: key 'paths': 9 must be from 2 to 8; configuration refused, keeping the previous one",
                "io.vstack.storage.san: key 'capacity': 'abc' is not a size: expected a size like 4096, 64M or 10G; "
                        + "configuration refused, keeping the previous one",
                "io.vstack.storage.san: key 'directory': /dev/null is in /dev, not a directory vstack may write; "
                        + "configuration refused, keeping the previous one"), log);
        assertEquals(before, san.settings());
        assertEquals(3, san.pathNames().size());
        assertEquals(1L << 30, san.status().capacity());
    }

    @Test
    void capacityAndLatencyChangeInPlaceAndAStructuralChangeWaitsForARestart() throws Exception {
        SanBackend san = new SanBackend(Configs.of(SanBackend.Config.class, "capacity", "1G"), dir);
        san.modified(Configs.of(SanBackend.Config.class, "capacity", "2G", "pathLatency", "1ms"));
        assertEquals(2L << 30, san.status().capacity());
        assertTrue(san.pathStates().get(0)[1].contains("1ms"), san.pathStates().get(0)[1]);
        List<String> log = LogLines.warnings(
                () -> san.modified(Configs.of(SanBackend.Config.class, "capacity", "2G", "pathLatency", "1ms", "paths", "4")));
        assertTrue(log.get(0).startsWith("io.vstack.storage.san: key 'paths': cannot change while running"), log.toString());
        assertEquals(2, san.pathNames().size());
    }
}
