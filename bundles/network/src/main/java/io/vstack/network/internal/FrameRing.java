package io.vstack.network.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A virtqueue-like ring of frames in one direct {@link ByteBuffer}, laid out like a split
 * virtqueue: the {@code avail} index (written by the producer), the {@code used} index (written by
 * the consumer) on their own cache lines, a descriptor table ({@code offset, length} per entry),
 * and one {@link #SLOT}-byte buffer per descriptor holding the frame's wire bytes. The indices are
 * free-running 32-bit counters (entry = index mod size), published with release/acquire
 * ordering, so a frame's bytes are visible before the index that exposes them.
 * <p><b>Threads.</b> One producer thread and one consumer thread at a time (single-producer,
 * single-consumer, as each virtqueue direction is); neither blocks.
 */
final class FrameRing {

    /** Bytes of one descriptor's buffer: the largest frame. */
    static final int SLOT = Frame.HEADER + Frame.MAX_PAYLOAD;
    private static final int AVAIL = 0;
    private static final int USED = 64;
    private static final int DESCRIPTORS = 128;
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final ByteBuffer mem;
    private final int size;
    private final int buffers;

    /**
     * @param size entries, a power of two between 2 and 4096
     */
    FrameRing(int size) {
        if (size < 2 || size > 4096 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two between 2 and 4096, not " + size);
        }
        this.size = size;
        this.buffers = DESCRIPTORS + size * 8;
        this.mem = ByteBuffer.allocateDirect(buffers + size * SLOT).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < size; i++) {
            mem.putInt(DESCRIPTORS + i * 8, buffers + i * SLOT);
        }
    }

    /** Entries. */
    int capacity() {
        return size;
    }

    /** Frames made available and not yet consumed. */
    int size() {
        return (int) INT.getAcquire(mem, AVAIL) - (int) INT.getAcquire(mem, USED);
    }

    /** The ring's memory in bytes (indices, descriptors, buffers). */
    int bytes() {
        return mem.capacity();
    }

    /** Producer: writes {@code f} into the next free descriptor; false if the ring is full. */
    boolean offer(Frame f) {
        int avail = (int) INT.get(mem, AVAIL);
        if (avail - (int) INT.getAcquire(mem, USED) == size) {
            return false;
        }
        int desc = DESCRIPTORS + (avail & (size - 1)) * 8;
        f.writeTo(mem.slice(mem.getInt(desc), SLOT).order(ByteOrder.BIG_ENDIAN));
        mem.putInt(desc + 4, f.length());
        INT.setRelease(mem, AVAIL, avail + 1);
        return true;
    }

    /** Consumer: the oldest available frame, left on the ring, or null if there is none. */
    Frame peek() {
        int used = (int) INT.get(mem, USED);
        if ((int) INT.getAcquire(mem, AVAIL) == used) {
            return null;
        }
        int desc = DESCRIPTORS + (used & (size - 1)) * 8;
        return Frame.readFrom(mem.slice(mem.getInt(desc), SLOT).order(ByteOrder.BIG_ENDIAN), mem.getInt(desc + 4));
    }

    /** Consumer: marks the oldest available frame used (after {@link #peek} returned it). */
    void advance() {
        INT.setRelease(mem, USED, (int) INT.get(mem, USED) + 1);
    }

    /** Consumer: the oldest available frame, taken off the ring, or null if there is none. */
    Frame poll() {
        Frame f = peek();
        if (f != null) {
            advance();
        }
        return f;
    }
}
