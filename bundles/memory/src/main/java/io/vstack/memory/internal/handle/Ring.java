package io.vstack.memory.internal.handle;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One direction of a shared ring: a single producer and a single consumer, in two processes,
 * over a mapped file. The producer writes a descriptor into the slot at {@code tail} and
 * publishes it by advancing {@code tail}; the consumer reads the slot at {@code head} and frees
 * it by advancing {@code head}. Indices grow without wrapping (64-bit); a slot is
 * {@code index & (slots - 1)}.
 * <p><b>Waiting.</b> A consumer spins a while, then sets {@code sleeping} and blocks on its
 * {@link Doorbell}; a producer that sees {@code sleeping} set after publishing takes it back
 * (compare-and-set) and rings. Both sides store their index and read the other's word with
 * volatile (sequentially consistent) accesses, so either the consumer sees the new tail or the
 * producer sees it sleeping: a wake-up is never lost. A ring nobody took is harmless (the consumer
 * wakes, finds nothing and sleeps again).
 * <p>Not thread-safe: one producer thread and one consumer thread per direction.
 */
final class Ring {

    /** Layout of the ring file: a header page, two control blocks, then the two slot arrays. */
    static final int FILE_HEADER = 4096;
    static final int CONTROL = 256;
    static final int REQUESTS_CONTROL = FILE_HEADER;
    static final int RESPONSES_CONTROL = FILE_HEADER + CONTROL;
    static final int SLOTS_AT = 8192;
    static final long MAGIC = 0x564d454d52494e47L;
    private static final int TAIL = 0;
    private static final int HEAD = 64;
    private static final int SLEEPING = 128;
    private static final int SPINS = 1 << 14;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final ByteBuffer map;
    private final int control;
    private final int base;
    private final int mask;
    private final int slots;
    private long tail;
    private long head;
    private long seenHead;
    private long seenTail;

    private Ring(ByteBuffer map, int control, int base, int slots) {
        this.map = map;
        this.control = control;
        this.base = base;
        this.slots = slots;
        this.mask = slots - 1;
        this.tail = (long) LONGS.getVolatile(map, control + TAIL);
        this.head = (long) LONGS.getVolatile(map, control + HEAD);
        this.seenHead = head;
        this.seenTail = tail;
    }

    /** Bytes of a ring file with {@code slots} slots per direction. */
    static long fileSize(int slots) {
        return SLOTS_AT + 2L * slots * Wire.SIZE;
    }

    /** Whether {@code slots} is a valid ring size: a power of two from 2 to 65536. */
    static boolean validSlots(int slots) {
        return slots >= 2 && slots <= 65536 && Integer.bitCount(slots) == 1;
    }

    static void format(ByteBuffer map, int slots) {
        map.putLong(0, MAGIC);
        map.putInt(8, slots);
    }

    static int slots(ByteBuffer map) throws IOException {
        int slots = map.getInt(8);
        if (map.getLong(0) != MAGIC || !validSlots(slots) || map.capacity() < fileSize(slots)) {
            throw new IOException("not a ring file");
        }
        return slots;
    }

    static Ring requests(ByteBuffer map, int slots) {
        return new Ring(map, REQUESTS_CONTROL, SLOTS_AT, slots);
    }

    static Ring responses(ByteBuffer map, int slots) {
        return new Ring(map, RESPONSES_CONTROL, SLOTS_AT + slots * Wire.SIZE, slots);
    }

    /** The mapped buffer the slot positions refer to. */
    ByteBuffer buffer() {
        return map;
    }

    int capacity() {
        return slots;
    }

    // Producer side.

    /** The byte position of the next free slot, or -1 if the ring is full. */
    int claim() {
        if (tail - seenHead >= slots) {
            seenHead = (long) LONGS.getAcquire(map, control + HEAD);
            if (tail - seenHead >= slots) {
                return -1;
            }
        }
        return base + (int) (tail & mask) * Wire.SIZE;
    }

    /** Publishes the claimed slot, and rings {@code bell} if the consumer sleeps. */
    void publish(Doorbell bell) throws IOException {
        tail++;
        LONGS.setVolatile(map, control + TAIL, tail);
        if ((long) LONGS.getVolatile(map, control + SLEEPING) != 0
                && LONGS.compareAndSet(map, control + SLEEPING, 1L, 0L)) {
            bell.ring();
        }
    }

    // Consumer side.

    /** The byte position of the next filled slot, or -1 if there is none. */
    int peek() {
        if (head == seenTail) {
            seenTail = (long) LONGS.getAcquire(map, control + TAIL);
            if (head == seenTail) {
                return -1;
            }
        }
        return base + (int) (head & mask) * Wire.SIZE;
    }

    /** Waits for a filled slot: spins, then sleeps on {@code bell}. */
    int await(Doorbell bell) throws IOException {
        // Spin (a few hundred us), then sleep: yielding instead hands the CPU to any other
        // process on a busy machine for a whole time slice (milliseconds, measured).
        for (int i = 0; i < SPINS; i++) {
            int at = peek();
            if (at >= 0) {
                return at;
            }
            Thread.onSpinWait();
        }
        while (true) {
            LONGS.setVolatile(map, control + SLEEPING, 1L);
            seenTail = (long) LONGS.getVolatile(map, control + TAIL);
            int at = peek();
            if (at >= 0) {
                LONGS.compareAndSet(map, control + SLEEPING, 1L, 0L);
                return at;
            }
            bell.await();
        }
    }

    /** Frees the slot {@link #peek()} returned. */
    void release() {
        head++;
        LONGS.setRelease(map, control + HEAD, head);
    }
}
