package io.vstack.vm.internal;

import io.vstack.api.hw.FrameBlock;
import io.vstack.api.hw.OutOfFramesException;
import io.vstack.api.hw.PhysicalMemory;
import io.vstack.api.vm.GuestMemory;
import io.vstack.api.vm.VmSpec;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A VM's guest memory: one host page frame per guest page, taken from the host's
 * {@link PhysicalMemory} as one {@link FrameBlock} (no object per page) and pre-touched, with its
 * {@link DirtyLog}.
 * <p>Every guest write goes through {@link #write}: the store, then the dirty mark. The
 * {@link Order#MARK_BEFORE_WRITE} variant exists only so a test can show it loses updates.
 * Thread-safe for writes to any page from any thread (8-byte stores are atomic).
 */
public final class GuestRam implements GuestMemory {

    /** Order of store and dirty mark in {@link #write}. */
    public enum Order {
        /** Correct: a harvest that races the write either sees the mark or precedes it and the store. */
        MARK_AFTER_WRITE,
        /** Broken on purpose (test only): a harvest between mark and store copies the old bytes and clears the bit. */
        MARK_BEFORE_WRITE
    }

    /** Called between the two steps of a write; a test uses it to force an interleaving. */
    @FunctionalInterface
    public interface Interleaving {
        /** Runs between the first and the second step of a write to {@code pfn}. */
        void between(long pfn);
    }

    private static final Interleaving NONE = pfn -> { };

    private final PhysicalMemory host;
    private final FrameBlock frames;
    /** A read-only view of each of the block's buffers. */
    private final ByteBuffer[] readOnlyBuffers;
    private final DirtyLog dirtyLog;
    private final Order order;
    private final Interleaving interleaving;
    private volatile boolean released;
    /** Post-copy at a destination: which pages have arrived; null otherwise (one volatile read per access). */
    private volatile PageFaults faults;

    private GuestRam(PhysicalMemory host, FrameBlock frames, Order order, Interleaving interleaving) {
        this.host = host;
        this.frames = frames;
        this.readOnlyBuffers = new ByteBuffer[frames.bufferCount()];
        for (int b = 0; b < readOnlyBuffers.length; b++) {
            readOnlyBuffers[b] = frames.buffer(b).asReadOnlyBuffer();
        }
        this.dirtyLog = new DirtyLog(frames.count());
        this.order = order;
        this.interleaving = interleaving;
    }

    /**
     * Takes {@code pageCount} frames from {@code host}; every frame is zero and backed (its region
     * allocated) when this returns. On failure nothing is taken.
     *
     * @throws OutOfFramesException if the host has fewer free frames
     */
    public static GuestRam allocate(PhysicalMemory host, long pageCount) throws OutOfFramesException {
        return allocate(host, pageCount, Order.MARK_AFTER_WRITE, NONE);
    }

    /** As {@link #allocate(PhysicalMemory, long)}, with a write order and interleaving hook (tests). */
    public static GuestRam allocate(PhysicalMemory host, long pageCount, Order order, Interleaving interleaving)
            throws OutOfFramesException {
        if (host.frameSize() != VmSpec.PAGE_SIZE) {
            throw new IllegalArgumentException("host frame size " + host.frameSize() + " is not " + VmSpec.PAGE_SIZE);
        }
        if (pageCount <= 0 || pageCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad page count " + pageCount);
        }
        GuestRam ram = new GuestRam(host, host.allocate((int) pageCount), order, interleaving);
        ram.preTouch();
        return ram;
    }

    private void preTouch() {
        // The frames are zero already; touching one long per page makes sure every region is
        // backed and every page mapped before the guest runs, so first-touch costs no timing.
        for (int i = 0; i < frames.count(); i++) {
            ByteBuffer memory = frames.memory(i);
            memory.putLong(frames.offset(i), memory.getLong(frames.offset(i)));
        }
    }

    @Override
    public long pages() {
        return frames.count();
    }

    @Override
    public ByteBuffer page(long pfn) {
        int i = checkedIndex(pfn);
        return frames.memory(i).slice(frames.offset(i), VmSpec.PAGE_SIZE);
    }

    /** A read-only view of page {@code pfn} (one buffer object, where {@code page(pfn).asReadOnlyBuffer()} makes two). */
    public ByteBuffer readOnlyPage(long pfn) {
        int i = checkedIndex(pfn);
        return readOnlyBuffers[frames.bufferIndex(i)].slice(frames.offset(i), VmSpec.PAGE_SIZE);
    }

    /** The dirty log. */
    public DirtyLog dirtyLog() {
        return dirtyLog;
    }

    /**
     * A guest write of {@code value} to every 8-byte slot of [{@code offset}, {@code offset + length})
     * of page {@code pfn}; both multiples of 8.
     *
     * @throws IndexOutOfBoundsException if the range is not within the page
     * @throws IllegalArgumentException if {@code offset} or {@code length} is not a multiple of 8
     */
    public void write(long pfn, int offset, int length, long value) {
        PageFaults f = faults;
        if (f != null) {
            f.touch(pfn);
        }
        // The frame's buffer holds other frames too: whole 8-byte slots within the page only.
        Objects.checkFromIndexSize(offset, length, VmSpec.PAGE_SIZE);
        if (((offset | length) & (Long.BYTES - 1)) != 0) {
            throw new IllegalArgumentException("a guest write covers whole 8-byte slots: offset " + offset + ", length " + length);
        }
        ByteBuffer memory = frames.memory((int) pfn);
        int base = frames.offset((int) pfn) + offset;
        if (order == Order.MARK_AFTER_WRITE) {
            for (int i = 0; i < length; i += Long.BYTES) {
                memory.putLong(base + i, value);
            }
            interleaving.between(pfn);
            dirtyLog.mark(pfn);
        } else {
            dirtyLog.mark(pfn);
            interleaving.between(pfn);
            for (int i = 0; i < length; i += Long.BYTES) {
                memory.putLong(base + i, value);
            }
        }
    }

    /** Reads the 8 bytes at {@code offset} of page {@code pfn}. */
    public long read(long pfn, int offset) {
        PageFaults f = faults;
        if (f != null) {
            f.touch(checkedIndex(pfn));
        }
        int i = checkedIndex(pfn);
        Objects.checkFromIndexSize(offset, Long.BYTES, VmSpec.PAGE_SIZE);
        return frames.memory(i).getLong(frames.offset(i) + offset);
    }

    /**
     * Post-copy: the pages set in {@code missing} have not arrived; guest accesses to them fault
     * through {@code handler} and wait for {@link #placePage}. Call before the vCPUs start.
     */
    public void expectPages(long[] missing, io.vstack.api.vm.PageFaultHandler handler) {
        PageFaults f = new PageFaults(this, missing, handler);
        faults = f.missing() == 0 ? null : f;
    }

    /** Post-copy: puts a missing page in place (bytes or zeros if null); false if it was there already. */
    public boolean placePage(long pfn, ByteBuffer bytes) {
        PageFaults f = faults;
        if (f == null) {
            checkedIndex(pfn);
            return false;
        }
        boolean placed = f.place(pfn, bytes);
        if (f.missing() == 0) {
            faults = null; // every page is here: accesses go back to the plain path
        }
        return placed;
    }

    /** Post-copy: pages still missing. */
    public long missingPages() {
        PageFaults f = faults;
        return f == null ? 0 : f.missing();
    }

    /** Post-copy: missing pages a vCPU waits for. */
    public long[] awaitedPages() {
        PageFaults f = faults;
        return f == null ? new long[0] : f.awaited();
    }

    /** Releases vCPUs waiting for missing pages (the VM is being destroyed). */
    public void cancelFaults() {
        PageFaults f = faults;
        if (f != null) {
            f.cancel();
        }
    }

    /** Gives every frame back to the host. Idempotent. */
    public synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        PageFaults f = faults;
        if (f != null) {
            f.cancel();
        }
        host.free(frames);
    }

    private int checkedIndex(long pfn) {
        if (pfn < 0 || pfn >= frames.count()) {
            throw new IndexOutOfBoundsException("page " + pfn + " is not in guest memory of " + frames.count() + " pages");
        }
        return (int) pfn;
    }
}
