package io.vstack.api.hw;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Page frames taken from a {@link PhysicalMemory} in one call ({@link PhysicalMemory#allocate(int)})
 * and held without an object per frame: frame {@code i} of the block is frame number
 * {@link #number number(i)}, and its bytes are [{@link #offset offset(i)}, {@code offset(i) + frameSize})
 * of the buffer {@link #memory memory(i)}.
 * <p>Why: a 1 GiB guest is 262,144 frames; a {@link PageFrame} and a buffer view for each made
 * half a million objects, which the garbage collector copied in pauses of tens of milliseconds.
 * A block is three arrays.
 * <p>The buffers are shared: one may hold many frames of this block and frames of other owners.
 * Use absolute access only, within this block's frames; never change a buffer's position or
 * limit. Immutable; safe to share between threads.
 */
public final class FrameBlock {

    private final long[] numbers;
    private final ByteBuffer[] memory;
    private final int[] offsets;

    /**
     * A block of {@code numbers.length} frames, frame {@code i} at {@code offsets[i]} of
     * {@code memory[i]} (for implementations of {@link PhysicalMemory}; the arrays are not copied
     * and must not change afterwards).
     *
     * @throws IllegalArgumentException if the arrays' lengths differ
     */
    public FrameBlock(long[] numbers, ByteBuffer[] memory, int[] offsets) {
        if (numbers.length != memory.length || numbers.length != offsets.length) {
            throw new IllegalArgumentException("a frame block needs one number, buffer and offset per frame; got "
                    + numbers.length + ", " + memory.length + " and " + offsets.length);
        }
        this.numbers = numbers;
        this.memory = memory;
        this.offsets = offsets;
    }

    /** Number of frames in the block. */
    public int count() {
        return numbers.length;
    }

    /** The page frame number of frame {@code index} of the block. */
    public long number(int index) {
        return numbers[index];
    }

    /** The buffer that holds frame {@code index}'s bytes, at {@link #offset(int)}; shared, absolute access only. */
    public ByteBuffer memory(int index) {
        return memory[index];
    }

    /** Where frame {@code index}'s bytes start in {@link #memory(int)}. */
    public int offset(int index) {
        return offsets[index];
    }

    @Override
    public String toString() {
        return "FrameBlock[" + numbers.length + " frames]";
    }

    /** A block of frames taken one by one (the default {@link PhysicalMemory#allocate(int)}). */
    static FrameBlock ofFrames(PageFrame[] frames) {
        long[] numbers = new long[frames.length];
        ByteBuffer[] memory = new ByteBuffer[frames.length];
        for (int i = 0; i < frames.length; i++) {
            numbers[i] = Objects.requireNonNull(frames[i]).number();
            memory[i] = frames[i].buffer();
        }
        return new FrameBlock(numbers, memory, new int[frames.length]);
    }
}
