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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumFilterTest {

    private static final int BS = 4096;
    private static final long CAPACITY = 256L * BS;

    @TempDir
    Path state;

    private final InMemoryDisk backing = new InMemoryDisk("d1", CAPACITY, BS);

    private ChecksumFilter attach() {
        return attach(Map.of());
    }

    private ChecksumFilter attach(Map<String, String> config) {
        return (ChecksumFilter) new ChecksumFilterFactory().create(TestFilterContext.of("d1", CAPACITY, BS, config, state));
    }

    /** Writes blocks 0-7 through a fresh filter and closes it: the state file holds their checksums. */
    private void writeEightBlocks() throws Exception {
        ChecksumFilter filter = attach();
        try (DiskHandle handle = open(filter)) {
            handle.write(0, pattern(8, 4));
        }
        filter.close();
    }

    private void flipStateFileBit(long offset) throws Exception {
        try (FileChannel channel = FileChannel.open(state.resolve(ChecksumStore.FILE_NAME), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            channel.write(one.put(0, (byte) (one.get(0) ^ 0x10)).clear(), offset);
        }
    }

    @Test
    void aBitFlipInTheStateFileIsFoundAtStartAndTheIntactDataStaysReadable() throws Exception {
        writeEightBlocks();
        flipStateFileBit(4096 + 2 * 8 + 1);                 // a bit of block 2's CRC
        ChecksumStore store = ChecksumStore.open(state, CAPACITY, BS, false);
        assertEquals(new ChecksumStore.Damage(1, 2, -1, false, false), store.damage());
        store.close();
        ChecksumFilter filter = attach();
        try (DiskHandle handle = open(filter)) {
            handle.read(0, ByteBuffer.allocate(8 * BS));
            assertEquals(7, filter.verified());               // block 2 is not checked, and reads
        }
        filter.close();
    }

    @Test
    void aTruncatedStateFileIsFoundAtStartAndRepairRebuildsTheLostChecksumsFromTheData() throws Exception {
        writeEightBlocks();
        try (FileChannel channel = FileChannel.open(state.resolve(ChecksumStore.FILE_NAME), StandardOpenOption.WRITE)) {
            channel.truncate(4096 + 5 * 8);
        }
        ChecksumStore lost = ChecksumStore.open(state, CAPACITY, BS, false);
        assertEquals(new ChecksumStore.Damage(0, 5, 5, false, false), lost.damage());
        lost.close();
        ChecksumStore stillLost = ChecksumStore.open(state, CAPACITY, BS, false);    // reported again, not forgotten
        assertEquals(new ChecksumStore.Damage(251, 5, -1, false, false), stillLost.damage());
        stillLost.close();

        ChecksumFilter repaired = attach(Map.of("repair", "true"));
        try (DiskHandle handle = open(repaired)) {
            handle.read(6 * BS, ByteBuffer.allocate(BS));     // learns block 6's checksum from its data
            backing.flipByte(6 * BS + 7);
            assertThrows(DataIntegrityException.class, () -> handle.read(6 * BS, ByteBuffer.allocate(BS)));
            handle.read(0, ByteBuffer.allocate(5 * BS));     // the entries that survived still verify
        }
        repaired.close();
        ChecksumStore again = ChecksumStore.open(state, CAPACITY, BS, false);
        assertTrue(again.damage().none(), again.damage().toString());
        again.close();
    }

    @Test
    void aDamagedHeaderIsRefusedInOneLineUntilRepaired() throws Exception {
        writeEightBlocks();
        flipStateFileBit(13);                               // the block size
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, this::attach);
        assertEquals("checksum state file " + state.resolve(ChecksumStore.FILE_NAME) + " has a damaged header; detach the"
                + " filter and attach it with repair=true to rebuild the checksums from the disk's data", e.getMessage());
        ChecksumFilter repaired = attach(Map.of("repair", "true"));
        try (DiskHandle handle = open(repaired)) {
            handle.read(0, ByteBuffer.allocate(8 * BS));     // every block learns its checksum
            backing.flipByte(3 * BS);
            assertThrows(DataIntegrityException.class, () -> handle.read(3 * BS, ByteBuffer.allocate(BS)));
        }
        repaired.close();
        assertThrows(IllegalArgumentException.class, () -> attach(Map.of("repair", "yes")));
    }

    @Test
    void aVersion1StateFileWithADamagedHeaderIsRefusedUntilRepaired() throws Exception {
        Path v1 = Files.write(state.resolve(ChecksumStore.V1_FILE_NAME), new byte[4096 + 256 * 8]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, this::attach);
        assertTrue(e.getMessage().startsWith("checksum state file " + v1 + " has a damaged header;"), e.getMessage());
        ChecksumStore store = ChecksumStore.open(state, CAPACITY, BS, true);
        assertEquals(new ChecksumStore.Damage(0, 0, 0, true, true), store.damage());
        assertEquals(ChecksumStore.REBUILD, store.lookup(17));
        store.close();
        assertFalse(Files.exists(v1));
    }

    @Test
    void aVersion1StateFileIsConvertedAndKeepsProtecting() throws Exception {
        ByteBuffer block1 = pattern(1, 9);
        ByteBuffer v1 = ByteBuffer.allocate(4096 + 256 * 8);
        v1.put("VSTKCRC1".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(BS).putLong(CAPACITY).put((byte) 1);
        CRC32C crc = new CRC32C();
        crc.update(block1.duplicate());
        v1.putLong(4096 + 8, 1L << 32 | crc.getValue());
        v1.putLong(4096 + 16, 7L << 32 | 5);                // damaged: not 1 << 32 | crc
        Files.write(state.resolve(ChecksumStore.V1_FILE_NAME), v1.array());
        for (int i = 0; i < BS; i++) {
            backing.backingStore().put(BS + i, block1.get(i));
        }
        ChecksumStore store = ChecksumStore.open(state, CAPACITY, BS, false);
        assertEquals(new ChecksumStore.Damage(1, 2, -1, false, true), store.damage());
        assertTrue(store.wasClean());
        store.close();
        assertFalse(Files.exists(state.resolve(ChecksumStore.V1_FILE_NAME)));
        ChecksumFilter filter = attach();
        try (DiskHandle handle = open(filter)) {
            handle.read(BS, ByteBuffer.allocate(BS));
            assertEquals(1, filter.verified());
            backing.flipByte(BS + 3);
            assertThrows(DataIntegrityException.class, () -> handle.read(BS, ByteBuffer.allocate(BS)));
        }
        filter.close();
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
        ChecksumStore crashed = ChecksumStore.open(state, CAPACITY, BS, false);   // never closed: the process "died"
        crashed.set(3, 42);
        ChecksumStore reopened = ChecksumStore.open(state, CAPACITY, BS, false);
        assertFalse(reopened.wasClean());
        assertEquals(42, reopened.lookup(3));
        assertTrue(reopened.damage().none());
        reopened.close();
        ChecksumStore clean = ChecksumStore.open(state, CAPACITY, BS, false);
        assertTrue(clean.wasClean());
        clean.close();
    }

    @Test
    void refusesASideFileOfAnotherGeometry() throws Exception {
        attach().close();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
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
