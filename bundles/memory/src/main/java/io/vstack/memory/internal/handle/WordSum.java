package io.vstack.memory.internal.handle;

import java.nio.ByteBuffer;

/**
 * The checksum of a sum request: a 64-bit multiply-xor hash over 8-byte words (then the last
 * bytes), continued across the pieces of a range. It reads with plain buffer gets on purpose: the
 * JVM turns a bus error in those into an {@link InternalError} that the server catches, whereas
 * the CRC32C intrinsic on a mapping whose file was truncated kills the JVM (tried on JDK 17).
 */
public final class WordSum {

    /** The start value of a sum. */
    public static final long SEED = 0xCBF29CE484222325L;
    private static final long PRIME = 0x100000001B3L;

    private WordSum() {
    }

    /** Continues {@code sum} over {@code b}'s bytes from its position to its limit (the position does not move). */
    public static long update(long sum, ByteBuffer b) {
        long h = sum;
        int i = b.position();
        int end = b.limit();
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            h = (h ^ b.getLong(i)) * PRIME;
        }
        for (; i < end; i++) {
            h = (h ^ b.get(i)) * PRIME;
        }
        return h;
    }
}
