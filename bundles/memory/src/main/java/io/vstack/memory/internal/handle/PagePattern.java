package io.vstack.memory.internal.handle;

import java.nio.ByteBuffer;

/** A pattern of 8-byte words, each a mix of its byte offset, so that a misplaced or stale page is seen. */
public final class PagePattern {

    private PagePattern() {
    }

    /** The word at byte offset {@code offset} (a multiple of 8). */
    public static long word(long offset) {
        long x = (offset + 0x5851F42D4C957F2DL) * 0x9E3779B97F4A7C15L;
        return x ^ (x >>> 29);
    }

    /** Fills {@code b} (position 0 to its limit) with the words of offsets {@code base} on. */
    public static void fill(ByteBuffer b, long base) {
        int n = b.limit();
        for (int i = 0; i + 8 <= n; i += 8) {
            b.putLong(i, word(base + i));
        }
    }

    /** The first byte offset (relative to {@code b}'s position 0) whose word is wrong, or -1 if all are right. */
    public static long firstMismatch(ByteBuffer b, long base) {
        int n = b.limit();
        for (int i = 0; i + 8 <= n; i += 8) {
            if (b.getLong(i) != word(base + i)) {
                return i;
            }
        }
        return -1;
    }
}
