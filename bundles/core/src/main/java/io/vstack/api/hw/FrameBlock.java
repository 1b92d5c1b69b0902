package io.vstack.api.hw;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Page frames taken from a {@link PhysicalMemory} in one call ({@link PhysicalMemory#allocate(int)})
 * and held without an object per frame: frame {@code i} of the block is frame number
 * {@link #number number(i)}, and its bytes are [{@link #offset offset(i)}, {@code offset(i) + frameSize})
 * of the buffer {@link #memory memory(i)}.
 * <p>Why: a 1 GiB guest is 262,144 frames; a {@link PageFrame} and a buffer view for each made
 * half a million objects, which the garbage collector copied in pauses of tens of milliseconds.
 * A block is three primitive arrays and the few buffers its frames lie in.
 * <p>The buffers are shared: one may hold many frames of this block and frames of other owners.
 * Use absolute access only, within this block's frames; never change a buffer's position or
 * limit. Immutable; safe to share between threads.
 */
public final class FrameBlock {

    private final long[] numbers;
    private final ByteBuffer[] buffers;
    private final int[] bufferIndexes;
    private final int[] offsets;

    /**
     * A block of {@code numbers.length} frames, frame {@code i} at {@code offsets[i]} of
     * {@code buffers[bufferIndexes[i]]} (for implementations of {@link PhysicalMemory}; the arrays
     * are not copied and must not change afterwards). Per frame the block keeps only primitives:
     * a large array of references would be a humongous object to G1, whose cards its young
     * collections kept scanning (pauses grew from 30 to 160 ms over 30 migrations of a 1 GiB VM).
     *
     * @throws IllegalArgumentException if the per-frame arrays' lengths differ
     * @throws IndexOutOfBoundsException if a buffer index is not an index of {@code buffers}
     */
    public FrameBlock(long[] numbers, ByteBuffer[] buffers, int[] bufferIndexes, int[] offsets) {
        if (numbers.length != bufferIndexes.length || numbers.length != offsets.length) {
            throw new IllegalArgumentException("a frame block needs one number, buffer index and offset per frame; got "
                    + numbers.length + ", " + bufferIndexes.length + " and " + offsets.length);
        }
        for (int b : bufferIndexes) {
            Objects.checkIndex(b, buffers.length);
        }
        this.numbers = numbers;
        this.buffers = buffers;
        this.bufferIndexes = bufferIndexes;
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
        return buffers[bufferIndexes[index]];
    }

    /** Where frame {@code index}'s bytes start in {@link #memory(int)}. */
    public int offset(int index) {
        return offsets[index];
    }

    /** Number of distinct buffers the block's frames lie in. */
    public int bufferCount() {
        return buffers.length;
    }

    /** Distinct buffer {@code b} (0 ≤ b < {@link #bufferCount()}); shared, absolute access only. */
    public ByteBuffer buffer(int b) {
        return buffers[b];
    }

    /** Which distinct buffer holds frame {@code index}: {@code memory(index) == buffer(bufferIndex(index))}. */
    public int bufferIndex(int index) {
        return bufferIndexes[index];
    }

    @Override
    public String toString() {
        return "FrameBlock[" + numbers.length + " frames]";
    }

    /**
     * A block of the frames {@code numbers} of a memory laid out in regions of
     * {@code framesPerRegion} frames of {@code frameSize} bytes, region {@code r} being the buffer
     * {@code region.apply(r)} (for implementations of {@link PhysicalMemory#allocate(int)}; called
     * once per distinct region). The array is not copied and must not change afterwards.
     */
    public static FrameBlock inRegions(long[] numbers, IntFunction<ByteBuffer> region, int framesPerRegion, int frameSize) {
        int[] bufferIndexes = new int[numbers.length];
        int[] offsets = new int[numbers.length];
        Map<Integer, Integer> bufferOfRegion = new HashMap<>();
        List<ByteBuffer> buffers = new ArrayList<>();
        int lastRegion = -1;
        int lastBuffer = -1;
        for (int i = 0; i < numbers.length; i++) {
            int r = Math.toIntExact(numbers[i] / framesPerRegion);
            if (r != lastRegion) { // runs of frames mostly stay in one region: the map is asked once per run
                lastBuffer = bufferOfRegion.computeIfAbsent(r, k -> {
                    buffers.add(Objects.requireNonNull(region.apply(k), "region " + k));
                    return buffers.size() - 1;
                });
                lastRegion = r;
            }
            bufferIndexes[i] = lastBuffer;
            offsets[i] = Math.toIntExact(numbers[i] % framesPerRegion * frameSize);
        }
        return new FrameBlock(numbers, buffers.toArray(ByteBuffer[]::new), bufferIndexes, offsets);
    }

    /** A block of frames taken one by one (the default {@link PhysicalMemory#allocate(int)}): a buffer per frame. */
    static FrameBlock ofFrames(PageFrame[] frames) {
        long[] numbers = new long[frames.length];
        ByteBuffer[] buffers = new ByteBuffer[frames.length];
        int[] indexes = new int[frames.length];
        for (int i = 0; i < frames.length; i++) {
            numbers[i] = Objects.requireNonNull(frames[i]).number();
            buffers[i] = frames[i].buffer();
            indexes[i] = i;
        }
        return new FrameBlock(numbers, buffers, indexes, new int[frames.length]);
    }
}
