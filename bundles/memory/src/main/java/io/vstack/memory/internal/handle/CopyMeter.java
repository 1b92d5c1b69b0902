package io.vstack.memory.internal.handle;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one way memory code copies bytes: every copy it makes goes through {@link #copy} (or is
 * declared with {@link #count} where the kernel copies, as a socket read or a file transfer does),
 * so {@link #bytesCopied()} reading 0 after a data path ran proves that path copied nothing.
 * <p>Thread-safe.
 */
public final class CopyMeter {

    private final LongAdder bytes = new LongAdder();

    /** Copies {@code src}'s remaining bytes into {@code dst} (both positions advance) and counts them. */
    public void copy(ByteBuffer src, ByteBuffer dst) {
        int n = src.remaining();
        dst.put(src);
        bytes.add(n);
    }

    /** Counts {@code n} bytes copied by something the memory code asked for (a socket read, a file transfer). */
    public void count(long n) {
        bytes.add(n);
    }

    /** Bytes copied since this meter was created. */
    public long bytesCopied() {
        return bytes.sum();
    }
}
