package io.vstack.vm.internal;

import io.vstack.api.hw.FrameBlock;
import io.vstack.api.hw.OutOfFramesException;
import io.vstack.api.hw.PhysicalMemory;
import io.vstack.api.vm.VmSpec;
import java.nio.ByteBuffer;

/**
 * Guest pages in host frames taken as one {@link FrameBlock} (no object per page) and pre-touched,
 * so that first touches cost the guest nothing.
 */
final class FramePages implements GuestPages {

    private final PhysicalMemory host;
    private final FrameBlock frames;
    /** A read-only view of each of the block's buffers. */
    private final ByteBuffer[] readOnlyBuffers;

    private FramePages(PhysicalMemory host, FrameBlock frames) {
        this.host = host;
        this.frames = frames;
        this.readOnlyBuffers = new ByteBuffer[frames.bufferCount()];
        for (int b = 0; b < readOnlyBuffers.length; b++) {
            readOnlyBuffers[b] = frames.buffer(b).asReadOnlyBuffer();
        }
    }

    /** Takes {@code count} frames, all backed and zero when this returns; on failure nothing is taken. */
    static FramePages allocate(PhysicalMemory host, int count) throws OutOfFramesException {
        FramePages pages = new FramePages(host, host.allocate(count));
        // The frames are zero already; touching one long per page makes sure every region is
        // backed and every page mapped before the guest runs, so first-touch costs no timing.
        for (int i = 0; i < count; i++) {
            ByteBuffer memory = pages.frames.memory(i);
            memory.putLong(pages.frames.offset(i), memory.getLong(pages.frames.offset(i)));
        }
        return pages;
    }

    @Override
    public long count() {
        return frames.count();
    }

    @Override
    public ByteBuffer page(int pfn) {
        return frames.memory(pfn).slice(frames.offset(pfn), VmSpec.PAGE_SIZE);
    }

    @Override
    public ByteBuffer readOnlyPage(int pfn) {
        return readOnlyBuffers[frames.bufferIndex(pfn)].slice(frames.offset(pfn), VmSpec.PAGE_SIZE);
    }

    @Override
    public void fill(int pfn, int offset, int length, long value) {
        ByteBuffer memory = frames.memory(pfn);
        int base = frames.offset(pfn) + offset;
        for (int i = 0; i < length; i += Long.BYTES) {
            memory.putLong(base + i, value);
        }
    }

    @Override
    public long load(int pfn, int offset) {
        return frames.memory(pfn).getLong(frames.offset(pfn) + offset);
    }

    @Override
    public void release() {
        host.free(frames);
    }
}
