package io.vstack.filters.basic.internal.checksum;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The state file of a checksum filter: one self-checking 8-byte entry per disk block,
 * memory-mapped, so that a bit flip or a truncation is found when the filter is created.
 * <p><b>Format</b> ({@value #FILE_NAME}, version 2): a 4096-byte header (magic
 * {@code VSTKCRC2}, int version, int block size, long capacity, byte clean flag at 24, byte
 * rebuilt flag at 25, int CRC32C of bytes 0-27 at 28), then entry {@code i} at
 * {@code 4096 + 8 i}, the file {@code 4096 + 8 × blocks} bytes long (sparse: untouched blocks
 * cost no disk space):
 * <ul>
 * <li>0: no checksum known (never written, trimmed, or being written);</li>
 * <li>{@code tag << 32 | crc32c}, the tag a 31-bit hash of (block, crc) with its low bit set:
 *     the block's checksum;</li>
 * <li>{@code rebuildTag << 32}, the tag with its high bit set: checksum lost and repaired,
 *     taken from the block's next read.</li>
 * </ul>
 * An entry whose tag does not match (a flipped bit) counts as no checksum known: the data stays
 * readable. {@link #open} counts such entries and the entries a truncation lost (which it marks
 * with an entry that matches no block, so that the loss is reported again at the next open),
 * and with {@code repair} turns both into rebuild entries.
 * <p><b>Migration.</b> A version-1 file ({@code crc32c.v1}: same header without CRC, entries
 * {@code 1 << 32 | crc}) is converted on open into a new version-2 file (written aside, forced,
 * renamed into place), then deleted.
 * <p><b>Threads.</b> Entries are read and written with aligned 8-byte absolute accesses;
 * callers serialize writers of one block (the filter's stripe locks).
 */
final class ChecksumStore implements AutoCloseable {

    static final String FILE_NAME = "crc32c.v2";
    static final String V1_FILE_NAME = "crc32c.v1";
    /** What {@link #lookup} returns for a block with no checksum known (or a damaged entry). */
    static final long NONE = -1;
    /** What {@link #lookup} returns for a block whose checksum its next read rebuilds. */
    static final long REBUILD = -2;

    private static final byte[] MAGIC = "VSTKCRC2".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V1_MAGIC = "VSTKCRC1".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 2;
    private static final int HEADER = 4096;
    private static final int CLEAN_OFFSET = 24;
    private static final int REBUILT_OFFSET = 25;
    private static final int HEADER_CRC_OFFSET = 28;
    private static final int SEGMENT_SHIFT = 27;            // 2^27 entries = 1 GiB per mapping
    private static final long SEGMENT_MASK = (1L << SEGMENT_SHIFT) - 1;
    private static final long V1_VALID = 1L << 32;
    private static final long CRC_MASK = 0xffff_ffffL;
    /** An entry that matches no block: what stands for an entry a truncation lost, until repaired or written. */
    private static final long DAMAGED = -1L;

    /**
     * What {@link #open} found wrong with the file, for one log line.
     *
     * @param damaged    entries whose check failed
     * @param firstBlock the block of the first damaged or lost entry, or -1
     * @param lostFrom   the first block whose entry a truncation lost, or -1
     * @param repaired   whether they were turned into rebuild entries
     * @param migrated   whether the file was converted from version 1
     */
    record Damage(long damaged, long firstBlock, long lostFrom, boolean repaired, boolean migrated) {

        private static final Damage NONE_FOUND = new Damage(0, -1, -1, false, false);

        /** True if nothing is wrong. */
        boolean none() {
            return damaged == 0 && lostFrom < 0;
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final MappedByteBuffer header;
    private final MappedByteBuffer[] segments;
    private final long blocks;
    private final boolean wasClean;
    private Damage damage = Damage.NONE_FOUND;      // set once by open, before the store is published

    private ChecksumStore(Path file, FileChannel channel, MappedByteBuffer header, MappedByteBuffer[] segments,
                          long blocks, boolean wasClean) {
        this.file = file;
        this.channel = channel;
        this.header = header;
        this.segments = segments;
        this.blocks = blocks;
        this.wasClean = wasClean;
    }

    /**
     * Opens the state file in {@code directory} (converting a version-1 file, creating it if
     * there is none), checks every entry, and marks it in use (not clean).
     *
     * @param repair turn damaged and lost entries into rebuild entries, and a damaged header into a
     *               new file of rebuild entries
     * @throws IOException if it cannot be opened, was made for another geometry, or its header is
     *                     damaged and {@code repair} is false (the message names the file and says what to do)
     */
    static ChecksumStore open(Path directory, long capacity, int blockSize, boolean repair) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        Path v1 = directory.resolve(V1_FILE_NAME);
        long blocks = capacity / blockSize;
        boolean migrated = false;
        boolean rebuildAll = false;
        if (!Files.exists(file) && Files.exists(v1)) {
            migrated = true;
            if (headerIntact(v1, V1_MAGIC, 1, false)) {
                migrate(v1, file, capacity, blockSize);
            } else {
                rebuildAll = replaceDamaged(v1, repair);
            }
        }
        boolean existed = Files.exists(file);
        if (existed && !headerIntact(file, MAGIC, VERSION, true)) {
            rebuildAll = replaceDamaged(file, repair);
            existed = false;
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            MappedByteBuffer header = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER);
            boolean wasClean = true;
            if (existed) {
                int fileBlockSize = header.getInt(12);
                long fileCapacity = header.getLong(16);
                if (fileBlockSize != blockSize || fileCapacity != capacity) {
                    throw new IOException("checksum state file " + file + " was made for block size " + fileBlockSize
                            + " and capacity " + fileCapacity + ", the disk has " + blockSize + " and " + capacity
                            + "; detach and delete it to start over");
                }
                wasClean = header.get(CLEAN_OFFSET) == 1;
            } else {
                header.put(0, MAGIC);
                header.putInt(8, VERSION);
                header.putInt(12, blockSize);
                header.putLong(16, capacity);
            }
            ChecksumStore store = new ChecksumStore(file, channel, header, map(channel, blocks), blocks, wasClean);
            store.damage = rebuildAll ? store.rebuildAll(migrated) : store.check(existed ? size : Long.MAX_VALUE, repair, migrated);
            if (store.damage.repaired() && !store.damage.none()) {
                header.put(REBUILT_OFFSET, (byte) 1);
            }
            store.writeHeader(false);
            return store;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static MappedByteBuffer[] map(FileChannel channel, long blocks) throws IOException {
        int count = (int) ((blocks + SEGMENT_MASK) >>> SEGMENT_SHIFT);
        MappedByteBuffer[] segments = new MappedByteBuffer[count];
        for (int i = 0; i < count; i++) {
            long first = (long) i << SEGMENT_SHIFT;
            long entries = Math.min(blocks - first, 1L << SEGMENT_SHIFT);
            segments[i] = channel.map(FileChannel.MapMode.READ_WRITE, HEADER + first * 8, entries * 8);
        }
        return segments;
    }

    /** True if {@code file} has a whole header with this magic and version (and, if {@code checked}, a matching CRC). */
    private static boolean headerIntact(Path file, byte[] magic, int version, boolean checked) throws IOException {
        if (Files.size(file) < HEADER) {
            return false;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_CRC_OFFSET + 4);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(header, 0);
        }
        return Arrays.equals(Arrays.copyOf(header.array(), magic.length), magic) && header.getInt(8) == version
                && (!checked || header.getInt(HEADER_CRC_OFFSET) == headerCrc(header));
    }

    /**
     * Deletes a state file whose header is damaged, so that a new one of rebuild entries takes its
     * place; returns true.
     *
     * @throws IOException naming the file and what to do, unless {@code repair}
     */
    private static boolean replaceDamaged(Path file, boolean repair) throws IOException {
        if (!repair) {
            throw new IOException("checksum state file " + file + " has a damaged header; detach the filter and attach"
                    + " it with repair=true to rebuild the checksums from the disk's data");
        }
        Files.delete(file);
        return true;
    }

    private static int headerCrc(ByteBuffer header) {
        CRC32C crc = new CRC32C();
        crc.update(header.duplicate().position(0).limit(HEADER_CRC_OFFSET));
        return (int) crc.getValue();
    }

    /** Checks every entry the file holds; entries past {@code size} were lost to a truncation. */
    private Damage check(long size, boolean repair, boolean migrated) {
        long held = Math.max(0, Math.min(blocks, (size - HEADER) / 8));
        long damaged = 0;
        long first = -1;
        for (long block = 0; block < held; block++) {
            long entry = raw(block);
            if (entry != 0 && lookup(block) == NONE) {
                damaged++;
                first = first < 0 ? block : first;
                if (repair) {
                    putRaw(block, rebuildEntry(block));
                }
            }
        }
        if (held == blocks) {
            return new Damage(damaged, first, -1, repair, migrated);
        }
        for (long block = held; block < blocks; block++) {
            putRaw(block, repair ? rebuildEntry(block) : DAMAGED);     // the loss stays visible until repaired
        }
        return new Damage(damaged, first < 0 ? held : first, held, repair, migrated);
    }

    /** Makes every entry a rebuild entry (after a header that could not be trusted). */
    private Damage rebuildAll(boolean migrated) {
        for (long block = 0; block < blocks; block++) {
            putRaw(block, rebuildEntry(block));
        }
        return new Damage(0, 0, 0, true, migrated);
    }

    /**
     * Converts a version-1 file (its header intact) into {@code target}: written aside, forced, renamed into place;
     * then deletes it. Entries that are damaged or that a truncation lost become {@link #DAMAGED},
     * for the check that follows to count (and repair).
     */
    private static void migrate(Path v1, Path target, long capacity, int blockSize) throws IOException {
        Path aside = target.resolveSibling(FILE_NAME + ".tmp");
        Files.deleteIfExists(aside);
        try (FileChannel old = FileChannel.open(v1, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(24);
            old.read(head, 0);
            if (head.getInt(12) != blockSize || head.getLong(16) != capacity) {
                throw new IOException("checksum state file " + v1 + " was made for block size " + head.getInt(12)
                        + " and capacity " + head.getLong(16) + ", the disk has " + blockSize + " and " + capacity
                        + "; detach and delete it to start over");
            }
            ChecksumStore store = create(aside, capacity, blockSize);
            try {
                long held = Math.max(0, Math.min(store.blocks, (old.size() - HEADER) / 8));
                ByteBuffer entries = ByteBuffer.allocate(1 << 16).limit(0);
                for (long block = 0; block < held; block++) {
                    if (!entries.hasRemaining()) {
                        entries.clear().limit((int) Math.min(entries.capacity(), (held - block) * 8));
                        while (entries.hasRemaining() && old.read(entries, HEADER + block * 8 + entries.position()) >= 0) {
                            // read on until the chunk is full (held is within the file)
                        }
                        entries.flip();
                    }
                    long value = entries.getLong();
                    if ((value & ~CRC_MASK) == V1_VALID) {
                        store.set(block, value & CRC_MASK);
                    } else if (value != 0) {
                        store.putRaw(block, DAMAGED);
                    }
                }
                for (long block = held; block < store.blocks; block++) {
                    store.putRaw(block, DAMAGED);
                }
                store.force();
                store.writeHeader(readV1Clean(old));
            } finally {
                store.channel.close();
            }
        }
        Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(v1);
    }

    /** A new, empty version-2 file at {@code file} (for a migration). */
    private static ChecksumStore create(Path file, long capacity, int blockSize) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            MappedByteBuffer header = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER);
            header.put(0, MAGIC);
            header.putInt(8, VERSION);
            header.putInt(12, blockSize);
            header.putLong(16, capacity);
            long blocks = capacity / blockSize;
            return new ChecksumStore(file, channel, header, map(channel, blocks), blocks, true);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static boolean readV1Clean(FileChannel old) throws IOException {
        ByteBuffer flag = ByteBuffer.allocate(1);
        old.read(flag, CLEAN_OFFSET);
        return flag.get(0) == 1;
    }

    private void writeHeader(boolean clean) {
        header.put(CLEAN_OFFSET, (byte) (clean ? 1 : 0));
        header.putInt(HEADER_CRC_OFFSET, headerCrc(header));
        header.force();
    }

    /** The state file. */
    Path file() {
        return file;
    }

    /** False if the file was in use when last opened and never closed: the process stopped without detaching. */
    boolean wasClean() {
        return wasClean;
    }

    /** What {@link #open} found damaged or lost (and whether it repaired it). */
    Damage damage() {
        return damage;
    }

    /** Blocks covered. */
    long blocks() {
        return blocks;
    }

    /** The checksum of {@code block} (0 to 2^32 - 1), {@link #NONE}, or {@link #REBUILD}. */
    long lookup(long block) {
        long entry = raw(block);
        if (entry == 0) {
            return NONE;
        }
        long crc = entry & CRC_MASK;
        if (entry == validEntry(block, crc)) {
            return crc;
        }
        return entry == rebuildEntry(block) ? REBUILD : NONE;
    }

    /** Stores {@code crc} (0 to 2^32 - 1) as the checksum of {@code block}. */
    void set(long block, long crc) {
        putRaw(block, validEntry(block, crc));
    }

    /** Forgets the checksum of {@code block}. */
    void clear(long block) {
        putRaw(block, 0);
    }

    private long raw(long block) {
        return segments[(int) (block >>> SEGMENT_SHIFT)].getLong((int) (block & SEGMENT_MASK) << 3);
    }

    private void putRaw(long block, long entry) {
        segments[(int) (block >>> SEGMENT_SHIFT)].putLong((int) (block & SEGMENT_MASK) << 3, entry);
    }

    private static long validEntry(long block, long crc) {
        long tag = (mix(block * 0x9E3779B97F4A7C15L ^ crc) & 0x7FFF_FFFEL) | 1;
        return tag << 32 | crc;
    }

    private static long rebuildEntry(long block) {
        long tag = (mix(~block * 0xC2B2AE3D27D4EB4FL) & 0x7FFF_FFFEL) | 0x8000_0001L;
        return tag << 32;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Writes every changed entry to the file and waits for the device. */
    void force() {
        for (MappedByteBuffer segment : segments) {
            segment.force();
        }
    }

    /** Forces the entries, marks the file clean, and closes it. */
    @Override
    public void close() throws IOException {
        force();
        writeHeader(true);
        channel.close();
    }
}
