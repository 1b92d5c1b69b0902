package io.vstack.filters.basic.internal.checksum;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The side file of a checksum filter: one 8-byte entry per disk block, memory-mapped.
 * <p><b>Format</b> ({@value #FILE_NAME}, version 1): a 4096-byte header (magic
 * {@code VSTKCRC1}, int version, int block size, long capacity, byte clean flag at offset 24),
 * then entry {@code i} at {@code 4096 + 8 i}: 0 = no checksum known (never written, trimmed, or
 * being written), else {@code 1 << 32 | crc32c}. The file is sparse: untouched blocks cost no
 * disk space.
 * <p><b>Threads.</b> Entries are read and written with aligned 8-byte absolute accesses;
 * callers serialize writers of one block (the filter's stripe locks).
 */
final class ChecksumStore implements AutoCloseable {

    static final String FILE_NAME = "crc32c.v1";
    private static final byte[] MAGIC = "VSTKCRC1".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int HEADER = 4096;
    private static final int CLEAN_OFFSET = 24;
    private static final int SEGMENT_SHIFT = 27;            // 2^27 entries = 1 GiB per mapping
    private static final long SEGMENT_MASK = (1L << SEGMENT_SHIFT) - 1;
    static final long VALID = 1L << 32;

    private final Path file;
    private final FileChannel channel;
    private final MappedByteBuffer header;
    private final MappedByteBuffer[] segments;
    private final long blocks;
    private final boolean wasClean;

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
     * Opens the side file in {@code directory}, creating it if absent, and marks it in use (not clean).
     *
     * @throws IOException if it cannot be opened, or was made for another geometry
     */
    static ChecksumStore open(Path directory, long capacity, int blockSize) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        boolean existed = Files.exists(file) && Files.size(file) >= HEADER;
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long blocks = capacity / blockSize;
            MappedByteBuffer header = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER);
            boolean wasClean = true;
            if (existed) {
                byte[] magic = new byte[MAGIC.length];
                header.get(0, magic);
                if (!Arrays.equals(magic, MAGIC) || header.getInt(8) != VERSION) {
                    throw new IOException("checksum side file " + file + " is not a version-" + VERSION + " crc32c file");
                }
                int fileBlockSize = header.getInt(12);
                long fileCapacity = header.getLong(16);
                if (fileBlockSize != blockSize || fileCapacity != capacity) {
                    throw new IOException("checksum side file " + file + " was made for block size " + fileBlockSize
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
            int count = (int) ((blocks + SEGMENT_MASK) >>> SEGMENT_SHIFT);
            MappedByteBuffer[] segments = new MappedByteBuffer[count];
            for (int i = 0; i < count; i++) {
                long first = (long) i << SEGMENT_SHIFT;
                long entries = Math.min(blocks - first, 1L << SEGMENT_SHIFT);
                segments[i] = channel.map(FileChannel.MapMode.READ_WRITE, HEADER + first * 8, entries * 8);
            }
            header.put(CLEAN_OFFSET, (byte) 0);
            header.force();
            return new ChecksumStore(file, channel, header, segments, blocks, wasClean);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The side file. */
    Path file() {
        return file;
    }

    /** False if the file was in use when last opened and never closed: the process stopped without detaching. */
    boolean wasClean() {
        return wasClean;
    }

    /** Blocks covered. */
    long blocks() {
        return blocks;
    }

    /** The entry of {@code block}: 0, or {@link #VALID} | crc. */
    long get(long block) {
        return segments[(int) (block >>> SEGMENT_SHIFT)].getLong((int) (block & SEGMENT_MASK) << 3);
    }

    /** Sets the entry of {@code block} (0 clears it). */
    void put(long block, long entry) {
        segments[(int) (block >>> SEGMENT_SHIFT)].putLong((int) (block & SEGMENT_MASK) << 3, entry);
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
        header.put(CLEAN_OFFSET, (byte) 1);
        header.force();
        channel.close();
    }
}
