package io.vstack.api.storage;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The bytes of one virtual disk on a backend: positional reads and writes on the caller's
 * buffers.
 * <p><b>Threads.</b> Called concurrently by many I/O threads; each call blocks until done.
 * Writes to overlapping ranges from different threads are not ordered. A write is durable once
 * a later {@link #flush()} returns.
 * <p><b>Errors.</b> Every failure is a {@link StorageException} naming the backend and store;
 * range errors are {@link IllegalArgumentException}s (the disk layer checks ranges first).
 */
@ConsumerType
public interface BlockStore extends AutoCloseable {

    /** The store's id within its backend. */
    String id();

    /** The capacity in bytes. */
    long capacity();

    /**
     * The alignment (bytes) that offsets, lengths and buffer addresses must have for this store,
     * 1 when any will do (a store opened for direct I/O needs its device's logical block size).
     */
    default int alignment() {
        return 1;
    }

    /**
     * Reads {@code dst.remaining()} bytes at {@code offset} into {@code dst}, advancing its
     * position to its limit. Bytes never written read as zero.
     */
    void read(long offset, ByteBuffer dst) throws StorageException;

    /** Writes {@code src.remaining()} bytes at {@code offset}, advancing its position to its limit. */
    void write(long offset, ByteBuffer src) throws StorageException;

    /** Makes every write that returned before this call durable. */
    void flush() throws StorageException;

    /** Releases a range; it reads back as zeros. */
    void trim(long offset, long length) throws StorageException;

    /** Releases the store's resources; the data stays. Further calls fail. */
    @Override
    void close() throws StorageException;
}
