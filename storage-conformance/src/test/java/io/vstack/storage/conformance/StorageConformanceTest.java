package io.vstack.storage.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.CapacityExceededException;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreExistsException;
import io.vstack.api.storage.StoreNotFoundException;
import io.vstack.api.storage.StoreSpec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The storage backend conformance suite: every test runs on every backend of {@link Backends#all()}.
 */
class StorageConformanceTest {

    private static final int MB = 1 << 20;

    static Stream<Named<Function<Path, BackendFixture>>> backends() {
        return Backends.all().stream();
    }

    private static byte[] pattern(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] read(BlockStore store, long offset, int length) throws StorageException {
        ByteBuffer dst = ByteBuffer.allocateDirect(length);
        store.read(offset, dst);
        assertEquals(length, dst.position(), "read advances the buffer to its limit");
        byte[] bytes = new byte[length];
        dst.flip().get(bytes);
        return bytes;
    }

    private static void write(BlockStore store, long offset, byte[] bytes) throws StorageException {
        ByteBuffer src = ByteBuffer.wrap(bytes);
        store.write(offset, src);
        assertEquals(bytes.length, src.position(), "write advances the buffer to its limit");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sizesAlignmentAndLifecycle(Function<Path, BackendFixture> factory, @TempDir Path dir) throws Exception {
        try (BackendFixture fixture = factory.apply(dir)) {
            StorageBackend backend = fixture.backend();
            try (BlockStore store = backend.create(new StoreSpec("geo", 4 * MB, 4096, "esx1"))) {
                assertEquals("geo", store.id());
                assertEquals(4 * MB, store.capacity());
                assertEquals(0, 4096 % store.alignment(), "alignment divides the block size");
                assertArrayEquals(new byte[4096], read(store, 0, 4096), "a new store reads zeros");
                write(store, 4 * MB - 4096, pattern(4096, 1));
                assertArrayEquals(pattern(4096, 1), read(store, 4 * MB - 4096, 4096), "the last block");
                assertThrows(IllegalArgumentException.class, () -> write(store, 4 * MB - 2048, pattern(4096, 2)),
                        "a write past the end");
                assertThrows(IllegalArgumentException.class, () -> read(store, -512, 512));
                assertArrayEquals(pattern(4096, 1), read(store, 4 * MB - 4096, 4096), "the refused write changed nothing");
            }
            StoreExistsException exists = assertThrows(StoreExistsException.class,
                    () -> backend.create(new StoreSpec("geo", MB, 4096, "esx1")));
            assertTrue(exists.getMessage().startsWith(fixture.name() + ": "), exists.getMessage());
            StoreNotFoundException missing = assertThrows(StoreNotFoundException.class, () -> backend.open("nope", "esx1"));
            assertTrue(missing.getMessage().startsWith(fixture.name() + ": "), missing.getMessage());
            assertThrows(IllegalArgumentException.class, () -> backend.open("../etc", "esx1"));
            backend.delete("geo");
            assertThrows(StoreNotFoundException.class, () -> backend.open("geo", "esx1"));
            assertThrows(StoreNotFoundException.class, () -> backend.delete("geo"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void randomWritesReadBackExactly(Function<Path, BackendFixture> factory, @TempDir Path dir) throws Exception {
        try (BackendFixture fixture = factory.apply(dir)) {
            int size = 8 * MB;
            byte[] model = new byte[size];
            Random random = new Random(42);
            try (BlockStore store = fixture.backend().create(new StoreSpec("rnd", size, 512, "esx1"))) {
                for (int i = 0; i < 120; i++) {
                    int length = 512 * (1 + random.nextInt(128));
                    int offset = 512 * random.nextInt((size - length) / 512 + 1);
                    byte[] bytes = pattern(length, i);
                    write(store, offset, bytes);
                    System.arraycopy(bytes, 0, model, offset, length);
                }
                for (int offset = 0; offset < size; offset += MB) {
                    assertArrayEquals(Arrays.copyOfRange(model, offset, offset + MB), read(store, offset, MB),
                            "MiB at " + offset);
                }
                store.flush();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void flushedWritesSurviveAReopenOfTheBackend(Function<Path, BackendFixture> factory, @TempDir Path dir)
            throws Exception {
        try (BackendFixture fixture = factory.apply(dir)) {
            BlockStore store = fixture.backend().create(new StoreSpec("dur", 4 * MB, 4096, "esx1"));
            write(store, 12288, pattern(65536, 7));
            write(store, 3 * MB, pattern(4096, 8));
            store.flush();
            store.close();
            StorageBackend reopened = fixture.reopen();
            try (BlockStore again = reopened.open("dur", "esx2")) {
                assertArrayEquals(pattern(65536, 7), read(again, 12288, 65536));
                assertArrayEquals(pattern(4096, 8), read(again, 3 * MB, 4096));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void trimmedRangesReadZerosAndTheRestStays(Function<Path, BackendFixture> factory, @TempDir Path dir)
            throws Exception {
        try (BackendFixture fixture = factory.apply(dir)) {
            try (BlockStore store = fixture.backend().create(new StoreSpec("trim", 4 * MB, 4096, "esx1"))) {
                byte[] all = pattern(3 * MB, 3);
                write(store, 0, all);
                store.trim(MB / 2, 3 * MB / 2);
                assertArrayEquals(Arrays.copyOfRange(all, 0, MB / 2), read(store, 0, MB / 2));
                assertArrayEquals(new byte[3 * MB / 2], read(store, MB / 2, 3 * MB / 2));
                assertArrayEquals(Arrays.copyOfRange(all, 2 * MB, 3 * MB), read(store, 2 * MB, MB));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void concurrentWritersThroughOneStore(Function<Path, BackendFixture> factory, @TempDir Path dir) throws Exception {
        try (BackendFixture fixture = factory.apply(dir)) {
            int threads = 4;
            int blocks = 32;
            int block = 16384;
            try (BlockStore store = fixture.backend().create(new StoreSpec("conc", 4 * MB, 4096, "esx1"))) {
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                try {
                    List<Future<?>> writers = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        int thread = t;
                        writers.add(pool.submit(() -> {
                            for (int b = 0; b < blocks; b++) {
                                long index = (long) b * threads + thread;
                                write(store, index * block, pattern(block, index));
                            }
                            return null;
                        }));
                    }
                    for (Future<?> writer : writers) {
                        writer.get();
                    }
                } finally {
                    pool.shutdown();
                }
                store.flush();
                for (long index = 0; index < (long) threads * blocks; index++) {
                    assertArrayEquals(pattern(block, index), read(store, index * block, block), "block " + index);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aStoreBeyondTheCapacityIsRefusedAndChangesNothing(Function<Path, BackendFixture> factory, @TempDir Path dir)
            throws Exception {
        try (BackendFixture fixture = factory.apply(dir)) {
            StorageBackend backend = fixture.backend();
            long before = backend.status().used();
            CapacityExceededException e = assertThrows(CapacityExceededException.class,
                    () -> backend.create(new StoreSpec("huge", fixture.capacity() + MB, 4096, "esx1")));
            assertTrue(e.getMessage().startsWith(fixture.name() + ": "), e.getMessage());
            assertThrows(StoreNotFoundException.class, () -> backend.open("huge", "esx1"));
            assertEquals(before, backend.status().used());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void underTheBackendsFaultNoAcknowledgedWriteIsLost(Function<Path, BackendFixture> factory, @TempDir Path dir)
            throws Exception {
        try (BackendFixture fixture = factory.apply(dir)) {
            BlockStore store = fixture.backend().create(new StoreSpec("flt", 4 * MB, 4096, "esx1"));
            List<Integer> acknowledged = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                write(store, i * 65536L, pattern(4096, i));
                acknowledged.add(i);
            }
            store.flush();
            fixture.injectFault();
            try {
                int attempts = fixture.toleratesFault() ? 8 : 2;
                for (int i = 8; i < 8 + attempts; i++) {
                    try {
                        write(store, i * 65536L, pattern(4096, i));
                        store.flush();
                        acknowledged.add(i);
                    } catch (StorageException e) {
                        if (fixture.toleratesFault()) {
                            fail(fixture.name() + " should ride over its fault, but: " + e.getMessage());
                        }
                        assertTrue(e.getMessage().startsWith(fixture.name() + ": "), "the error names the backend: "
                                + e.getMessage());
                    }
                }
                if (fixture.toleratesFault()) {
                    for (int i : acknowledged) {
                        assertArrayEquals(pattern(4096, i), read(store, i * 65536L, 4096), "during the fault, block " + i);
                    }
                } else {
                    assertEquals(8, acknowledged.size(), "no write is acknowledged while the backend is down");
                }
            } finally {
                fixture.heal();
            }
            for (int i : acknowledged) {
                assertArrayEquals(pattern(4096, i), read(store, i * 65536L, 4096), "after the fault, block " + i);
            }
            store.close();
        }
    }
}
