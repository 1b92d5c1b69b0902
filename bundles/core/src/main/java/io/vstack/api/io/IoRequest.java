package io.vstack.api.io;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One I/O on a virtual disk, as filters see it.
 * <p><b>Ownership.</b> The request and its {@link #buffer()} belong to the issuing thread for
 * the duration of the call that carries it, and no longer: a filter must not keep either after
 * it returns. The buffer is the caller's own (zero copy): for {@link IoOp#READ} the chain fills
 * {@code buffer().remaining()} bytes from its position; for {@link IoOp#WRITE} it stores them. A
 * stage that reads the buffer must leave its position and limit as it found them (use absolute
 * gets or a duplicate). To change what goes further down, a filter passes on a request of its
 * own, for instance one made by {@link #of}.
 * <p>The framework reuses request objects per thread, so a request is not thread-safe and its
 * identity means nothing.
 */
@ProviderType
public interface IoRequest {

    /** The operation. */
    IoOp op();

    /** The id of the disk the request is addressed to. */
    String diskId();

    /** Byte offset on the disk. */
    long offset();

    /** Number of bytes: the buffer's remaining bytes for reads and writes, the range for trims. */
    long length();

    /** The caller's buffer; empty for flush and trim. */
    ByteBuffer buffer();

    /** Who issued the request: a VM id, a workload name, or an empty string. */
    String origin();

    /**
     * Creates a request of a filter's own, e.g. to redirect an I/O to another disk or to pass on
     * a transformed buffer.
     *
     * @throws IllegalArgumentException if the offset is negative or the buffer is null
     */
    static IoRequest of(IoOp op, String diskId, long offset, long length, ByteBuffer buffer, String origin) {
        return new SimpleIoRequest(op, diskId, offset, length, buffer, origin);
    }
}
