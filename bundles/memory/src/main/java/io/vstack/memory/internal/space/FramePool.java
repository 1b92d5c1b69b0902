package io.vstack.memory.internal.space;

import io.vstack.api.hw.FrameBlock;
import io.vstack.api.hw.OutOfFramesException;
import io.vstack.api.hw.PhysicalMemory;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The host frames one address space holds, for its page tables and its pages, taken from the
 * host in chunks of {@value #CHUNK} frames ({@link PhysicalMemory#allocate(int)}: one call, no
 * object per frame) and named by a <em>slot</em>: chunk {@code slot / 64}, frame {@code slot % 64}.
 * Page-table entries hold slots; {@link #pfn} gives the host frame number.
 * <p>Frames in the pool are zero: {@link #give} zeroes a frame when it comes back (the zeroed-page
 * list of an OS), so a fault takes a frame without zeroing it. A chunk whose frames are all free
 * goes back to the host when the pool has half a chunk of free frames besides it, so reclaimed pages
 * really return memory.
 * <p>Not thread-safe: the owning space serializes calls (its write lock); {@link #memory} and
 * {@link #offset} may be called under its read lock.
 */
final class FramePool {

    static final int CHUNK = 64;
    private static final long ALL = -1L;
    private static final ByteBuffer ZERO = ByteBuffer.allocateDirect(PagedSpace.PAGE).asReadOnlyBuffer();

    private final PhysicalMemory host;
    private FrameBlock[] chunks = new FrameBlock[16];
    /** Bit i set: frame i of the chunk is free. */
    private long[] freeMask = new long[16];
    private boolean[] onStack = new boolean[16];
    /** Chunks that may have free frames (stale entries with no free frame are dropped when met). */
    private int[] stack = new int[16];
    private int stackSize;
    /** Indexes of chunks given back to the host, for reuse. */
    private int[] dead = new int[16];
    private int deadCount;
    private int chunkCount;
    private long freeFrames;
    private long heldFrames;

    FramePool(PhysicalMemory host) {
        if (host.frameSize() != PagedSpace.PAGE) {
            throw new IllegalArgumentException("host frame size " + host.frameSize() + " is not " + PagedSpace.PAGE);
        }
        this.host = host;
    }

    /** Takes a zero frame; returns its slot. */
    int take() throws OutOfFramesException {
        while (stackSize > 0) {
            int c = stack[stackSize - 1];
            long mask = freeMask[c];
            if (mask == 0) {
                stackSize--;
                onStack[c] = false;
                continue;
            }
            int i = Long.numberOfTrailingZeros(mask);
            freeMask[c] = mask & ~(1L << i);
            freeFrames--;
            return c * CHUNK + i;
        }
        grow();
        return take();
    }

    private void grow() throws OutOfFramesException {
        FrameBlock block = host.allocate(CHUNK);
        int c;
        if (deadCount > 0) {
            c = dead[--deadCount];
        } else {
            if (chunkCount == chunks.length) {
                int n = chunkCount * 2;
                chunks = Arrays.copyOf(chunks, n);
                freeMask = Arrays.copyOf(freeMask, n);
                onStack = Arrays.copyOf(onStack, n);
            }
            c = chunkCount++;
        }
        chunks[c] = block;
        freeMask[c] = ALL;
        freeFrames += CHUNK;
        heldFrames += CHUNK;
        push(c);
    }

    private void push(int c) {
        if (onStack[c]) {
            return;
        }
        if (stackSize == stack.length) {
            stack = Arrays.copyOf(stack, stackSize * 2);
        }
        stack[stackSize++] = c;
        onStack[c] = true;
    }

    /** Gives the frame of {@code slot} back to the pool, zeroing it. */
    void give(int slot) {
        int c = slot / CHUNK;
        long bit = 1L << (slot % CHUNK);
        if ((freeMask[c] & bit) != 0 || chunks[c] == null) {
            throw new IllegalStateException("frame slot " + slot + " is not in use");
        }
        memory(slot).put(offset(slot), ZERO, 0, PagedSpace.PAGE);
        freeMask[c] |= bit;
        freeFrames++;
        push(c);
        if (freeMask[c] == ALL && freeFrames >= CHUNK + CHUNK / 2) {
            release(c);
        }
    }

    private void release(int c) {
        host.free(chunks[c]);
        chunks[c] = null;
        freeMask[c] = 0; // its stale stack entry is dropped when met
        freeFrames -= CHUNK;
        heldFrames -= CHUNK;
        if (deadCount == dead.length) {
            dead = Arrays.copyOf(dead, deadCount * 2);
        }
        dead[deadCount++] = c;
    }

    /** The buffer holding slot {@code slot}'s bytes at {@link #offset}; absolute access only. */
    ByteBuffer memory(int slot) {
        return chunks[slot / CHUNK].memory(slot % CHUNK);
    }

    /** Where slot {@code slot}'s bytes start in {@link #memory}. */
    int offset(int slot) {
        return chunks[slot / CHUNK].offset(slot % CHUNK);
    }

    /** The host frame number of slot {@code slot}. */
    long pfn(int slot) {
        return chunks[slot / CHUNK].number(slot % CHUNK);
    }

    /** Frames taken from the host and not given back. */
    long heldFrames() {
        return heldFrames;
    }

    /** Gives every chunk back to the host. */
    void close() {
        for (int c = 0; c < chunkCount; c++) {
            if (chunks[c] != null) {
                host.free(chunks[c]);
                chunks[c] = null;
            }
        }
        heldFrames = 0;
        freeFrames = 0;
        stackSize = 0;
    }
}
