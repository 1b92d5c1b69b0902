package io.vstack.memory.internal.handle;

import java.nio.ByteBuffer;

/**
 * The request protocol between a memory client and the ring server, the same whether descriptors
 * travel on the shared ring (data by reference: offset and length in a handle) or on the Unix
 * domain socket (the comparison peer: the data follows the descriptor on the socket).
 * <p>A descriptor is {@value #SIZE} bytes: {@code seq} (8), {@code op} (4), {@code status} (4),
 * {@code handle} (8), {@code disk} (4), reserved (4), {@code offset} (8), {@code length} (8),
 * {@code diskOffset} (8), {@code result} (8). A response is the request's descriptor with status and
 * result set.
 */
public final class Wire {

    /** Bytes per descriptor. */
    public static final int SIZE = 64;

    /** Nothing but the round trip. */
    public static final int OP_NOP = 0;
    /** A {@link WordSum} of the range (the result). */
    public static final int OP_SUM = 1;
    /** Writes the range to a disk at {@code diskOffset}. */
    public static final int OP_WRITE = 2;
    /** Reads from a disk at {@code diskOffset} into the range (a writable handle only). */
    public static final int OP_READ = 3;
    /** Flushes a disk. */
    public static final int OP_FLUSH = 4;

    static final int SEQ = 0;
    static final int OP = 8;
    static final int STATUS = 12;
    static final int HANDLE = 16;
    static final int DISK = 24;
    static final int OFFSET = 32;
    static final int LENGTH = 40;
    static final int DISK_OFFSET = 48;
    static final int RESULT = 56;

    /** Outcome of a request; the name is the error's name for users. */
    public enum Status {
        /** Done. */
        OK,
        /** Offset or length outside the handle, negative or overflowing. */
        INVALID_RANGE,
        /** A write into a read-only handle. */
        READ_ONLY,
        /** The handle's grant was revoked or its region replaced. */
        REVOKED,
        /** The memory behind the handle went away (its file was truncated: a bus error caught at the section). */
        MEMORY_FAULT,
        /** The disk failed the I/O. */
        IO_ERROR,
        /** No such handle in this session. */
        UNKNOWN_HANDLE,
        /** No such disk in this session. */
        UNKNOWN_DISK,
        /** No such operation. */
        BAD_OP,
        /** The server failed unexpectedly (its log says why). */
        INTERNAL;

        private static final Status[] ALL = values();

        /** The status with code {@code code}, or {@link #INTERNAL} for an unknown one. */
        public static Status of(int code) {
            return code >= 0 && code < ALL.length ? ALL[code] : INTERNAL;
        }
    }

    private Wire() {
    }

    /** Writes a request descriptor at {@code at}. */
    static void put(ByteBuffer b, int at, long seq, int op, long handle, int disk, long offset, long length,
                    long diskOffset) {
        b.putLong(at + SEQ, seq);
        b.putInt(at + OP, op);
        b.putInt(at + STATUS, 0);
        b.putLong(at + HANDLE, handle);
        b.putInt(at + DISK, disk);
        b.putInt(at + DISK + 4, 0);
        b.putLong(at + OFFSET, offset);
        b.putLong(at + LENGTH, length);
        b.putLong(at + DISK_OFFSET, diskOffset);
        b.putLong(at + RESULT, 0);
    }
}
