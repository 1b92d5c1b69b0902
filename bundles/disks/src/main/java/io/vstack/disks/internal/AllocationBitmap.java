package io.vstack.disks.internal;

import io.vstack.support.StoreFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.zip.CRC32C;

/**
 * Which blocks of a differencing disk's own store hold data (set bits), one bit per block.
 * Bits are set by writers concurrently (lock-free); {@link #persistIfNewer} writes a snapshot of the bits
 * to a side file crash-safely (temp file, fsync, atomic rename).
 * <p><b>Crash safety.</b> The caller takes {@link #snapshot()} <em>before</em> it flushes the
 * store and persists that snapshot <em>after</em> the flush: every bit in the file was set after
 * its data write returned, and so before the flush that made the data durable. A bit is never
 * on disk before its data.
 * <p>File format ({@code <store>.bitmap}, little endian): magic {@code VSTKBMP1}, the block count
 * (long), the words (one long per 64 blocks), a CRC32C of everything before it (int).
 */
final class AllocationBitmap {

    static final String SUFFIX = ".bitmap";
    private static final long MAGIC = 0x31504d424b545356L; // "VSTKBMP1" read little endian

    private final long blocks;
    private final AtomicLongArray words;
    private final AtomicLong changes = new AtomicLong();
    private volatile long persistedChanges;

    AllocationBitmap(long blocks) {
        if (blocks <= 0 || blocks > (long) Integer.MAX_VALUE * 64) {
            throw new IllegalArgumentException("a bitmap of " + blocks + " blocks");
        }
        this.blocks = blocks;
        this.words = new AtomicLongArray((int) ((blocks + 63) >>> 6));
    }

    long blocks() {
        return blocks;
    }

    boolean get(long block) {
        return (words.get((int) (block >>> 6)) & (1L << block)) != 0;
    }

    /** Sets a block's bit; true if it was clear. */
    boolean set(long block) {
        int index = (int) (block >>> 6);
        long bit = 1L << block;
        for (;;) {
            long word = words.get(index);
            if ((word & bit) != 0) {
                return false;
            }
            if (words.compareAndSet(index, word, word | bit)) {
                changes.incrementAndGet();
                return true;
            }
        }
    }

    /** Clears every bit. */
    void clear() {
        for (int i = 0; i < words.length(); i++) {
            words.set(i, 0);
        }
        changes.incrementAndGet();
    }

    /** The number of set bits. */
    long cardinality() {
        long n = 0;
        for (int i = 0; i < words.length(); i++) {
            n += Long.bitCount(words.get(i));
        }
        return n;
    }

    /** The word holding blocks {@code 64*index ... 64*index+63}. */
    long word(int index) {
        return words.get(index);
    }

    int wordCount() {
        return words.length();
    }

    /** A consistent-enough copy of the bits for {@link #persistIfNewer}: each bit read once. */
    Snapshot snapshot() {
        long version = changes.get();
        long[] copy = new long[words.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = words.get(i);
        }
        return new Snapshot(copy, version);
    }

    /** Bits taken by {@link #snapshot()} and the change count they include. */
    record Snapshot(long[] words, long version) {
    }

    /**
     * Writes {@code snapshot} to {@code file} crash-safely, unless a snapshot at least as recent
     * was written already (bits are only set between clears, so a later snapshot holds an
     * earlier one's bits; an older one must never overwrite it). Callers serialize.
     */
    void persistIfNewer(Path file, Snapshot snapshot) throws IOException {
        if (snapshot.version() <= persistedChanges && Files.exists(file)) {
            return;
        }
        write(file, blocks, snapshot.words());
        persistedChanges = snapshot.version();
    }

    static void write(Path file, long blocks, long[] words) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(16 + words.length * 8 + 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(MAGIC).putLong(blocks);
        for (long w : words) {
            buffer.putLong(w);
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int) crc.getValue());
        StoreFiles.writeAtomically(file, buffer.array());
    }

    /**
     * Reads a bitmap file; a missing file is an empty bitmap (a differencing disk nothing was
     * flushed to yet).
     *
     * @throws IOException naming the file if it is unreadable, corrupt or of another size
     */
    static AllocationBitmap read(Path file, long blocks) throws IOException {
        AllocationBitmap bitmap = new AllocationBitmap(blocks);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return bitmap;
        }
        int expected = 16 + bitmap.words.length() * 8 + 4;
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length != expected || buffer.getLong(0) != MAGIC) {
            throw new IOException("allocation bitmap " + file + " is not a bitmap of " + blocks + " blocks ("
                    + bytes.length + " bytes, expected " + expected + ")");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != buffer.getInt(bytes.length - 4) || buffer.getLong(8) != blocks) {
            throw new IOException("allocation bitmap " + file + " is corrupt (checksum or block count mismatch)");
        }
        for (int i = 0; i < bitmap.words.length(); i++) {
            bitmap.words.set(i, buffer.getLong(16 + i * 8));
        }
        bitmap.persistedChanges = bitmap.changes.get();
        return bitmap;
    }
}
