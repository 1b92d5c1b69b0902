package io.vstack.filters.basic.internal.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.io.DataIntegrityException;
import io.vstack.api.io.InvalidIoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import io.vstack.api.testing.InMemoryDisk;
import io.vstack.api.testing.TestFilterContext;
import io.vstack.filters.basic.internal.Allocations;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumFilterTest {

    private static final int BS = 4096;
    private static final long CAPACITY = 256L * BS;

    @TempDir
    Path state;

    private final InMemoryDisk backing = new InMemoryDisk("d1", CAPACITY, BS);

    private ChecksumFilter attach() {
        return (ChecksumFilter) new ChecksumFilterFactory().create(TestFilterContext.of("d1", CAPACITY, BS, Map.of(), state));
    }

    /** A disk over the same backing bytes, with {@code filter} in front. */
    private DiskHandle open(IoFilter filter) throws Exception {
        return new InMemoryDisk("view", CAPACITY, BS).withFilter("checksum", filter)
                .withFilter("store", (request, next) -> backing.storeChain().proceed(request)).open("test");
    }

    private static ByteBuffer pattern(int blocks, long seed) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(blocks * BS);
        SplittableRandom random = new SplittableRandom(seed);
        while (buffer.hasRemaining()) {
            buffer.put((byte) random.nextInt());
        }
        return buffer.flip();
    }

    @Test
    void detectsAFlippedByteInTheBackingStore() throws Exception {
        ChecksumFilter filter = attach();
        try (DiskHandle handle = open(filter)) {
            handle.write(8 * BS, pattern(4, 1));
            ByteBuffer in = ByteBuffer.allocateDirect(4 * BS);
            handle.read(8 * BS, in);
            assertEquals(pattern(4, 1), in.flip());
            assertEquals(4, filter.verified());

            backing.flipByte(10 * BS + 123);
            DataIntegrityException e = assertThrows(DataIntegrityException.class, () -> handle.read(8 * BS, in.clear()));
            assertTrue(e.getMessage().startsWith("disk d1: checksum mismatch in block 10 (offset 40960): expected crc32c "),
                    e.getMessage());
            assertEquals(1, filter.mismatches());
            // The neighbours still verify; the bad block keeps failing.
            handle.read(9 * BS, ByteBuffer.allocate(BS));
            assertThrows(DataIntegrityException.class, () -> handle.read(10 * BS, ByteBuffer.allocate(BS)));
        }
        filter.close();
    }

    @Test
    void leavesTheCallersBufferPositionAndLimitAsTheChainDoes() throws Exception {
        ChecksumFilter filter = attach();
        ByteBuffer src = pattern(2, 7);
        src.position(0).limit(2 * BS);
        IoRequest write = IoRequest.of(IoOp.WRITE, "d1", 0, 2 * BS, src, "t");
        filter.submit(write, backing.storeChain());
        assertEquals(2 * BS, src.position());           // as the store left it
        assertEquals(2 * BS, src.limit());
        ByteBuffer dst = ByteBuffer.allocate(3 * BS);
        dst.position(BS);                                // read into the middle of a larger buffer
        filter.submit(IoRequest.of(IoOp.READ, "d1", 0, 2 * BS, dst, "t"), backing.storeChain());
        assertEquals(3 * BS, dst.position());
        assertEquals(3 * BS, dst.limit());
        assertEquals(2, filter.verified());
        filter.close();
    }

    @Test
    void checksumsSurviveReopenThroughTheSideFile() throws Exception {
        ChecksumFilter first = attach();
        try (DiskHandle handle = open(first)) {
            handle.write(0, pattern(3, 2));
        }
        first.close();
        assertTrue(Files.size(state.resolve(ChecksumStore.FILE_NAME)) >= 4096 + 256 * 8);

        backing.flipByte(2 * BS);
        ChecksumFilter second = attach();
        try (DiskHandle handle = open(second)) {
            handle.read(0, ByteBuffer.allocate(2 * BS));
            DataIntegrityException e = assertThrows(DataIntegrityException.class,
                    () -> handle.read(2 * BS, ByteBuffer.allocate(BS)));
            assertTrue(e.getMessage().contains("block 2 "), e.getMessage());
        }
        second.close();
    }

    @Test
    void aSideFileLeftOpenIsReportedNotClean() throws Exception {
        ChecksumStore crashed = ChecksumStore.open(state, CAPACITY, BS);   // never closed: the process "died"
        crashed.put(3, ChecksumStore.VALID | 42);
        ChecksumStore reopened = ChecksumStore.open(state, CAPACITY, BS);
        assertFalse(reopened.wasClean());
        assertEquals(ChecksumStore.VALID | 42, reopened.get(3));
        reopened.close();
        ChecksumStore clean = ChecksumStore.open(state, CAPACITY, BS);
        assertTrue(clean.wasClean());
        clean.close();
    }

    @Test
    void refusesASideFileOfAnotherGeometry() throws Exception {
        attach().close();
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> new ChecksumFilterFactory().create(TestFilterContext.of("d1", CAPACITY * 2, BS, Map.of(), state)));
        assertTrue(e.getMessage().contains("was made for block size 4096 and capacity 1048576"), e.getMessage());
    }

    @Test
    void trimClearsChecksumsAndUnwrittenBlocksReadWithoutCheck() throws Exception {
        ChecksumFilter filter = attach();
        try (DiskHandle handle = open(filter)) {
            handle.read(100 * BS, ByteBuffer.allocate(BS));       // never written: not checked
            assertEquals(0, filter.verified());
            handle.write(4 * BS, pattern(2, 3));
            handle.trim(4 * BS, 2 * BS);
            backing.flipByte(4 * BS + 5);                         // trimmed: no checksum to break
            handle.read(4 * BS, ByteBuffer.allocate(2 * BS));
            assertEquals(0, filter.verified());
            assertEquals(0, filter.mismatches());
        }
        filter.close();
    }

    @Test
    void refusesPartialBlocksClearly() throws Exception {
        ChecksumFilter filter = attach();
        InvalidIoException e = assertThrows(InvalidIoException.class, () -> filter.submit(
                IoRequest.of(IoOp.WRITE, "d1", 512, 512, ByteBuffer.allocate(512), "t"), backing.storeChain()));
        assertEquals("disk d1: checksum filter needs whole blocks of 4096 bytes; WRITE at offset 512 length 512 is not aligned",
                e.getMessage());
        assertEquals(0, backing.count(IoOp.WRITE));
        filter.close();
    }

    @Test
    void concurrentReadersNeverSeeNewDataWithAnOldChecksum() throws Exception {
        ChecksumFilter filter = attach();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        try (DiskHandle handle = open(filter)) {
            for (int t = 0; t < 6; t++) {
                long seed = t;
                Thread thread = new Thread(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    ByteBuffer out = pattern(2, seed);
                    ByteBuffer in = ByteBuffer.allocateDirect(2 * BS);
                    try {
                        start.await();
                        for (int i = 0; i < 3000; i++) {
                            long offset = random.nextInt(4) * BS;   // four hot blocks, overlapping two-block I/Os
                            if (random.nextBoolean()) {
                                out.put(0, (byte) i);
                                handle.write(offset, out.clear());
                            } else {
                                handle.read(offset, in.clear());
                            }
                        }
                    } catch (Exception e) {
                        failures.add(e);
                    }
                });
                threads.add(thread);
                thread.start();
            }
            start.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertEquals(0, filter.mismatches());
        filter.close();
    }

    @Test
    void theVerifiedPathAllocatesNothing() throws Exception {
        ChecksumFilter filter = attach();
        ByteBuffer buffer = pattern(1, 4);
        try (DiskHandle handle = open(filter)) {
            Allocations.Action io = () -> {
                for (int i = 0; i < 20_000; i++) {
                    handle.write((i % 256) * (long) BS, buffer.clear());
                    handle.read((i % 256) * (long) BS, buffer.clear());
                }
            };
            io.run();
            long bytes = Allocations.allocatedBy(io);
            assertTrue(bytes < 40_000, "40,000 verified I/Os allocated " + bytes + " bytes");
        }
        assertTrue(filter.verified() >= 40_000);
        filter.close();
    }
}
