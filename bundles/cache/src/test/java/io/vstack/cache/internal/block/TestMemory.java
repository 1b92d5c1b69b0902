package io.vstack.cache.internal.block;

import io.vstack.api.hw.OutOfFramesException;
import io.vstack.api.hw.PageFrame;
import io.vstack.api.hw.PhysicalMemory;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Physical memory for tests, with hw-sim's contract: off-heap frames, most recently freed frame
 * reused first, zeroed and with a new generation on reuse; reads through references copy under
 * the monitor. Uses the interface's default {@code readIfUnchanged} unless {@code monitorReads}.
 */
public final class TestMemory implements PhysicalMemory {

    private static final int FRAME = 4096;
    private final ByteBuffer bytes;
    private final long[] generations;
    private final boolean[] allocated;
    private final Deque<Integer> freed = new ArrayDeque<>();
    private int neverUsed;
    private int allocatedCount;

    public TestMemory(int frames) {
        bytes = ByteBuffer.allocateDirect(frames * FRAME);
        generations = new long[frames];
        allocated = new boolean[frames];
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
        return generations.length - allocatedCount;
    }

    @Override
    public long backedBytes() {
        return bytes.capacity();
    }

    @Override
    public synchronized PageFrame allocate() throws OutOfFramesException {
        int n;
        if (!freed.isEmpty()) {
            n = freed.pop();
            for (int i = 0; i < FRAME; i++) {
                bytes.put(n * FRAME + i, (byte) 0);
            }
        } else if (neverUsed < generations.length) {
            n = neverUsed++;
        } else {
            throw new OutOfFramesException("test memory is full");
        }
        generations[n]++;
        allocated[n] = true;
        allocatedCount++;
        return new Frame(n);
    }

    @Override
    public synchronized void free(PageFrame frame) {
        int n = (int) frame.number();
        if (!allocated[n]) {
            throw new IllegalArgumentException("frame " + n + " is not allocated");
        }
        allocated[n] = false;
        allocatedCount--;
        freed.push(n);
    }

    @Override
    public PageFrame frame(long number) {
        return new Frame((int) number);
    }

    @Override
    public synchronized boolean readIfUnchanged(long number, long generation, ByteBuffer dst, int dstIndex, int length) {
        int n = (int) number;
        if (allocated[n] || generations[n] != generation) {
            return false;
        }
        dst.put(dstIndex, bytes, n * FRAME, length);
        return true;
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
            synchronized (TestMemory.this) {
                return generations[number];
            }
        }

        @Override
        public boolean allocated() {
            synchronized (TestMemory.this) {
                return allocated[number];
            }
        }

        @Override
        public ByteBuffer buffer() {
            return bytes.slice(number * FRAME, FRAME);
        }
    }
}
