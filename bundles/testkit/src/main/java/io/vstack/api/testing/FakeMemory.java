package io.vstack.api.testing;

import io.vstack.api.hw.FrameBlock;
import io.vstack.api.hw.OutOfFramesException;
import io.vstack.api.hw.PageFrame;
import io.vstack.api.hw.PhysicalMemory;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Physical memory for tests and benchmarks with hw-sim's contract: off-heap 4 KiB frames backed
 * lazily in 2 MiB direct regions; the most recently freed frame is reused first, zeroed and with a
 * new generation; {@link #readIfUnchanged} copies under the monitor. Thread-safe.
 */
public final class FakeMemory implements PhysicalMemory {

    private static final int FRAME = 4096;
    private static final int PER_REGION = 512;
    private static final ByteBuffer ZERO_FRAME = ByteBuffer.allocateDirect(FRAME).asReadOnlyBuffer();

    private final String host;
    private final ByteBuffer[] regions;
    private final long[] generations;
    private final boolean[] allocated;
    /** Freed frames, most recently freed last (a stack of ints: no boxing per frame). */
    private int[] freed = new int[64];
    private int freedCount;
    private int neverUsed;
    private int used;

    /** {@code frames} frames of host {@code host} (the name is only for errors). */
    public FakeMemory(String host, int frames) {
        this.host = host;
        this.regions = new ByteBuffer[(frames + PER_REGION - 1) / PER_REGION];
        this.generations = new long[frames];
        this.allocated = new boolean[frames];
    }

    /** {@code bytes} of memory, in whole frames. */
    public static FakeMemory ofBytes(String host, long bytes) {
        return new FakeMemory(host, Math.toIntExact(bytes / FRAME));
    }

    @Override
    public int frameSize() {
        return FRAME;
    }

    @Override
    public long totalFrames() {
        return generations.length;
    }

    @Override
    public synchronized long freeFrames() {
        return generations.length - used;
    }

    @Override
    public synchronized long backedBytes() {
        long n = 0;
        for (ByteBuffer region : regions) {
            n += region == null ? 0 : region.capacity();
        }
        return n;
    }

    @Override
    public synchronized PageFrame allocate() throws OutOfFramesException {
        if (used == generations.length) {
            throw new OutOfFramesException("host " + host + " has no free page frame");
        }
        return new Frame(take());
    }

    @Override
    public synchronized FrameBlock allocate(int count) throws OutOfFramesException {
        if (count <= 0) {
            throw new IllegalArgumentException("cannot allocate " + count + " frames");
        }
        if (count > generations.length - used) {
            throw new OutOfFramesException(count + " page frames needed on host " + host + ", " + (generations.length - used) + " free");
        }
        long[] numbers = new long[count];
        for (int i = 0; i < count; i++) {
            numbers[i] = take();
        }
        return FrameBlock.inRegions(numbers, r -> region(r * PER_REGION), PER_REGION, FRAME);
    }

    private int take() {
        int n;
        if (freedCount > 0) {
            n = freed[--freedCount];
            region(n).put((n % PER_REGION) * FRAME, ZERO_FRAME, 0, FRAME);
        } else {
            n = neverUsed++;
        }
        generations[n]++;
        allocated[n] = true;
        used++;
        return n;
    }

    @Override
    public synchronized void free(PageFrame frame) {
        int n = (int) frame.number();
        if (!allocated[n]) {
            throw new IllegalArgumentException("frame " + n + " is not allocated");
        }
        release(n);
    }

    @Override
    public synchronized void free(FrameBlock block) {
        for (int i = 0; i < block.count(); i++) {
            if (!allocated[(int) block.number(i)]) {
                throw new IllegalArgumentException("frame " + block.number(i) + " is not allocated");
            }
        }
        for (int i = 0; i < block.count(); i++) {
            if (allocated[(int) block.number(i)]) {
                release((int) block.number(i));
            }
        }
    }

    private void release(int n) {
        allocated[n] = false;
        used--;
        if (freedCount == freed.length) {
            freed = Arrays.copyOf(freed, 2 * freedCount);
        }
        freed[freedCount++] = n;
    }

    @Override
    public PageFrame frame(long number) {
        if (number < 0 || number >= generations.length) {
            throw new IllegalArgumentException("no frame " + number + " on host " + host);
        }
        return new Frame((int) number);
    }

    @Override
    public synchronized boolean readIfUnchanged(long number, long generation, ByteBuffer dst, int dstIndex, int length) {
        int n = (int) frame(number).number();
        if (allocated[n] || generations[n] != generation) {
            return false;
        }
        dst.put(dstIndex, slice(n), 0, length);
        return true;
    }

    private ByteBuffer slice(int number) {
        return region(number).slice((number % PER_REGION) * FRAME, FRAME);
    }

    private ByteBuffer region(int number) {
        int r = number / PER_REGION;
        if (regions[r] == null) {
            regions[r] = ByteBuffer.allocateDirect(PER_REGION * FRAME);
        }
        return regions[r];
    }

    private final class Frame implements PageFrame {
        private final int number;

        Frame(int number) {
            this.number = number;
        }

        @Override
        public long number() {
            return number;
        }

        @Override
        public long generation() {
            synchronized (FakeMemory.this) {
                return generations[number];
            }
        }

        @Override
        public boolean allocated() {
            synchronized (FakeMemory.this) {
                return allocated[number];
            }
        }

        @Override
        public ByteBuffer buffer() {
            synchronized (FakeMemory.this) {
                return slice(number);
            }
        }
    }
}
