package io.vstack.memory.internal.handle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Layout of a region's backing file: a {@value #HEADER}-byte header, then the data. The header
 * holds a magic number, the region's generation ({@value #REPLACED} once a hard revoke replaced
 * the file), the data size and {@value #SLOTS} revocation words, one per live grant: a grant
 * records the word's value when it was issued (its stamp) and revoking it increments the word.
 * Mapped handles read the generation and their word with acquire semantics.
 */
final class RegionFile {

    static final int HEADER = 1 << 16;
    static final long MAGIC = 0x564d454d52474e31L;
    static final long REPLACED = -1L;
    static final int GENERATION_AT = 8;
    static final int SIZE_AT = 16;
    static final int SLOTS_AT = 64;
    static final int SLOTS = (HEADER - SLOTS_AT) / Long.BYTES;
    static final int PAGE = 4096;
    /** The largest region: 64 TiB. */
    static final long MAX_SIZE = 1L << 46;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private RegionFile() {
    }

    static int slotAt(int slot) {
        return SLOTS_AT + slot * Long.BYTES;
    }

    static long getVolatile(ByteBuffer header, int at) {
        return (long) LONGS.getVolatile(header, at);
    }

    static void setVolatile(ByteBuffer header, int at, long value) {
        LONGS.setVolatile(header, at, value);
    }
}
