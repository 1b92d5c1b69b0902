package io.vstack.hw.sim.internal;

import io.vstack.api.ByteSize;
import io.vstack.support.MemoryBudget;
import io.vstack.api.hw.FrameBlock;
import io.vstack.api.hw.OutOfFramesException;
import io.vstack.api.hw.PageFrame;
import io.vstack.api.hw.PhysicalMemory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Physical memory as real off-heap memory, backed lazily in regions of {@value #FRAMES_PER_REGION}
 * frames (2 MiB): a region's direct buffer is allocated when one of its frames is first touched.
 * <p>Allocation takes freed frames first (most recently freed first), then frames never used. A
 * reused frame is zeroed and its generation bumped, so no consumer ever sees another's data.
 * All state is guarded by this object's monitor; the sections are short.
 */
final class SimulatedMemory implements PhysicalMemory {

    static final int FRAMES_PER_REGION = 512;
    private static final ByteBuffer ZERO_FRAME = ByteBuffer.allocateDirect(HostConfig.FRAME_SIZE).asReadOnlyBuffer();

    private final String host;
    private final long totalFrames;
    private final Region[] regions;
    private long neverUsed;            // frames [neverUsed, totalFrames) were never allocated
    private long[] freed = new long[64];
    private int freedCount;
    private long allocatedCount;
    private long backedRegions;

    /**
     * Refuses a memory size the machine could never back with real bytes: more than its physical
     * memory (as the JVM's operating system MXBean reports it; unchecked where it reports none).
     *
     * @throws IllegalArgumentException naming both sizes
     */
    static void requireBackable(long bytes) {
        long physical = MemoryBudget.physicalMemory();
        if (physical > 0 && bytes > physical) {
            throw new IllegalArgumentException("memory " + ByteSize.ofBytes(bytes)
                    + " is more than this machine's physical memory (" + ByteSize.ofBytes(physical).toHumanString() + ")");
        }
    }

    SimulatedMemory(String host, long bytes) {
        if (bytes <= 0 || bytes % HostConfig.FRAME_SIZE != 0) {
            throw new IllegalArgumentException("memory must be a positive multiple of " + HostConfig.FRAME_SIZE);
        }
        this.host = host;
        this.totalFrames = bytes / HostConfig.FRAME_SIZE;
        long regionCount = (totalFrames + FRAMES_PER_REGION - 1) / FRAMES_PER_REGION;
        if (regionCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("memory too large: " + bytes);
        }
        this.regions = new Region[(int) regionCount];
    }

    @Override
    public int frameSize() {
        return HostConfig.FRAME_SIZE;
    }

    @Override
    public long totalFrames() {
        return totalFrames;
    }

    @Override
    public synchronized long freeFrames() {
        return totalFrames - allocatedCount;
    }

    @Override
    public synchronized long backedBytes() {
        return backedRegions * FRAMES_PER_REGION * (long) HostConfig.FRAME_SIZE;
    }

    @Override
    public synchronized PageFrame allocate() throws OutOfFramesException {
        if (allocatedCount == totalFrames) {
            throw new OutOfFramesException("host " + host + " has no free page frame (all " + totalFrames + " allocated)");
        }
        return new Frame(take());
    }

    @Override
    public synchronized FrameBlock allocate(int count) throws OutOfFramesException {
        if (count <= 0) {
            throw new IllegalArgumentException("cannot allocate " + count + " frames");
        }
        if (count > totalFrames - allocatedCount) {
            throw new OutOfFramesException(count + " page frames needed on host " + host + ", " + (totalFrames - allocatedCount) + " free");
        }
        long[] numbers = new long[count];
        for (int i = 0; i < count; i++) {
            numbers[i] = take();
        }
        return FrameBlock.inRegions(numbers, r -> regions[r].memory, FRAMES_PER_REGION, HostConfig.FRAME_SIZE);
    }

    /** Takes a free frame (the caller checked there is one): zeroes it if it was used before, bumps its generation. */
    private long take() {
        boolean reused = freedCount > 0;
        long number = reused ? freed[--freedCount] : neverUsed++;
        Region region = region(number, true);
        int index = (int) (number % FRAMES_PER_REGION);
        if (reused) {
            // A bulk copy (a memcpy) zeroes about twice as fast as a loop of putLong.
            region.memory.put(index * HostConfig.FRAME_SIZE, ZERO_FRAME, 0, HostConfig.FRAME_SIZE);
        }
        region.generations[index]++;
        region.allocated[index] = true;
        allocatedCount++;
        return number;
    }

    @Override
    public synchronized void free(PageFrame frame) {
        long number = frame.number();
        if (!(frame instanceof Frame f && f.owner() == this) || !isAllocated(number)) {
            throw new IllegalArgumentException("frame " + number + " of host " + host + " is not allocated");
        }
        release(number);
    }

    @Override
    public synchronized void free(FrameBlock block) {
        for (int i = 0; i < block.count(); i++) {
            if (!isAllocated(block.number(i))) {
                throw new IllegalArgumentException("frame " + block.number(i) + " of host " + host + " is not allocated; no frame of "
                        + block + " was freed");
            }
        }
        for (int i = 0; i < block.count(); i++) {
            if (isAllocated(block.number(i))) { // a forged block may name a frame twice
                release(block.number(i));
            }
        }
    }

    private boolean isAllocated(long number) {
        Region region = number >= 0 && number < totalFrames ? region(number, false) : null;
        return region != null && region.allocated[(int) (number % FRAMES_PER_REGION)];
    }

    private void release(long number) {
        regions[(int) (number / FRAMES_PER_REGION)].allocated[(int) (number % FRAMES_PER_REGION)] = false;
        allocatedCount--;
        if (freedCount == freed.length) {
            freed = Arrays.copyOf(freed, freed.length * 2);
        }
        freed[freedCount++] = number;
    }

    @Override
    public PageFrame frame(long number) {
        if (number < 0 || number >= totalFrames) {
            throw new IllegalArgumentException("host " + host + " has no frame " + number + " (it has " + totalFrames + ")");
        }
        return new Frame(number);
    }

    /**
     * Copies under this memory's monitor, which every allocation takes too: no allocation can
     * zero or hand out the frame during the copy, so the bytes are intact whenever the check
     * passes. Allocates nothing.
     */
    @Override
    public synchronized boolean readIfUnchanged(long number, long generation, ByteBuffer dst, int dstIndex, int length) {
        if (number < 0 || number >= totalFrames) {
            throw new IllegalArgumentException("host " + host + " has no frame " + number + " (it has " + totalFrames + ")");
        }
        if (length < 0 || length > HostConfig.FRAME_SIZE) {
            throw new IllegalArgumentException("length " + length + " is outside a frame of " + HostConfig.FRAME_SIZE + " bytes");
        }
        Objects.checkFromIndexSize(dstIndex, length, dst.limit());
        Region region = region(number, false);
        int index = (int) (number % FRAMES_PER_REGION);
        if (region == null || region.allocated[index] || region.generations[index] != generation) {
            return false;
        }
        dst.put(dstIndex, region.memory, index * HostConfig.FRAME_SIZE, length);
        return true;
    }

    /** Releases every region; the memory goes back to the JVM once unreachable. */
    synchronized void release() {
        Arrays.fill(regions, null);
        backedRegions = 0;
    }

    private Region region(long frameNumber, boolean create) {
        int r = (int) (frameNumber / FRAMES_PER_REGION);
        Region region = regions[r];
        if (region == null && create) {
            long frames = Math.min(FRAMES_PER_REGION, totalFrames - (long) r * FRAMES_PER_REGION);
            region = new Region(ByteBuffer.allocateDirect((int) frames * HostConfig.FRAME_SIZE));
            regions[r] = region;
            backedRegions++;
        }
        return region;
    }

    /** The backing memory and per-frame state of one region. */
    private static final class Region {
        final ByteBuffer memory;
        final long[] generations = new long[FRAMES_PER_REGION];
        final boolean[] allocated = new boolean[FRAMES_PER_REGION];

        Region(ByteBuffer memory) {
            this.memory = memory;
        }
    }

    /** A view of one frame; cheap, made on demand. */
    private final class Frame implements PageFrame {
        private final long number;

        Frame(long number) {
            this.number = number;
        }

        @Override
        public long number() {
            return number;
        }

        @Override
        public long generation() {
            synchronized (SimulatedMemory.this) {
                Region region = region(number, false);
                return region == null ? 0 : region.generations[(int) (number % FRAMES_PER_REGION)];
            }
        }

        @Override
        public boolean allocated() {
            synchronized (SimulatedMemory.this) {
                Region region = region(number, false);
                return region != null && region.allocated[(int) (number % FRAMES_PER_REGION)];
            }
        }

        @Override
        public ByteBuffer buffer() {
            ByteBuffer memory;
            synchronized (SimulatedMemory.this) {
                memory = region(number, true).memory;
            }
            int offset = (int) (number % FRAMES_PER_REGION) * HostConfig.FRAME_SIZE;
            return memory.slice(offset, HostConfig.FRAME_SIZE);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Frame other && other.number == number && other.owner() == SimulatedMemory.this;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(number);
        }

        @Override
        public String toString() {
            return "frame " + number + " of " + host;
        }

        private SimulatedMemory owner() {
            return SimulatedMemory.this;
        }
    }
}
