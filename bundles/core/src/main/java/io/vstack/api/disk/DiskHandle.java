package io.vstack.api.disk;

import io.vstack.api.io.IoException;
import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An open virtual disk: the entry to its data path.
 * <p><b>Threads.</b> Many threads may issue I/O on one handle at once; each call blocks until
 * its request has passed the chain and is complete. Ranges are checked first: an I/O beyond the
 * capacity, or not aligned to the disk's block size, fails with an
 * {@link io.vstack.api.io.InvalidIoException} and changes nothing.
 * <p><b>Buffers.</b> Zero-copy: the chain reads or fills {@code buffer.remaining()} bytes of the
 * caller's buffer, and the position ends at the limit. The steady-state path allocates nothing.
 */
@ProviderType
public interface DiskHandle extends AutoCloseable {

    /** The disk's id. */
    String diskId();

    /** Fills {@code dst} from the disk at byte {@code offset}. */
    void read(long offset, ByteBuffer dst) throws IoException;

    /** Writes {@code src} to the disk at byte {@code offset}; durable after the next {@link #flush()}. */
    void write(long offset, ByteBuffer src) throws IoException;

    /** Makes every write acknowledged so far durable. */
    void flush() throws IoException;

    /** Releases a block-aligned range; it reads back as zeros. */
    void trim(long offset, long length) throws IoException;

    /** Closes the handle; further I/O on it fails. Idempotent. */
    @Override
    void close();
}
