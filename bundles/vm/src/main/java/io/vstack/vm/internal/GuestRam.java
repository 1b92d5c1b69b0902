package io.vstack.vm.internal;

import io.vstack.api.hw.OutOfFramesException;
import io.vstack.api.hw.PhysicalMemory;
import io.vstack.api.memory.AddressSpaceException;
import io.vstack.api.memory.AddressSpaces;
import io.vstack.api.vm.GuestMemory;
import io.vstack.api.vm.VmSpec;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A VM's guest memory with its {@link DirtyLog}: either one host page frame per guest page, taken
 * from the host's {@link PhysicalMemory} up front and pre-touched ({@link FramePages}), or a
 * demand-paged address space of the memory bundle ({@link SpacePages}).
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

    private final GuestPages backing;
    private final DirtyLog dirtyLog;
    private final Order order;
    private final Interleaving interleaving;
    private volatile boolean released;
    /** Post-copy at a destination: which pages have arrived; null otherwise (one volatile read per access). */
    private volatile PageFaults faults;

    private GuestRam(GuestPages backing, Order order, Interleaving interleaving) {
        this.backing = backing;
        this.dirtyLog = new DirtyLog(backing.count());
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
        return new GuestRam(FramePages.allocate(host, (int) pageCount), order, interleaving);
    }

    /**
     * Guest memory of VM {@code spec} on a new demand-paged address space from {@code spaces}
     * (named {@link AddressSpaces#guestSpaceName}); no page has a frame until the guest touches it.
     *
     * @throws AddressSpaceException if the space cannot be made or mapped
     */
    public static GuestRam onAddressSpace(AddressSpaces spaces, VmSpec spec, Order order) throws AddressSpaceException {
        if (spec.pages() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad page count " + spec.pages());
        }
        return new GuestRam(SpacePages.create(spaces, spec), order, NONE);
    }

    @Override
    public long pages() {
        return backing.count();
    }

    @Override
    public ByteBuffer page(long pfn) {
        return backing.page(checkedIndex(pfn));
    }

    /** A read-only view of page {@code pfn} (one buffer object, where {@code page(pfn).asReadOnlyBuffer()} makes two). */
    public ByteBuffer readOnlyPage(long pfn) {
        return backing.readOnlyPage(checkedIndex(pfn));
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
        int i = checkedIndex(pfn);
        if (order == Order.MARK_AFTER_WRITE) {
            backing.fill(i, offset, length, value);
            interleaving.between(pfn);
            dirtyLog.mark(pfn);
        } else {
            dirtyLog.mark(pfn);
            interleaving.between(pfn);
            backing.fill(i, offset, length, value);
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
        return backing.load(i, offset);
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
        backing.release();
    }

    private int checkedIndex(long pfn) {
        if (pfn < 0 || pfn >= backing.count()) {
            throw new IndexOutOfBoundsException("page " + pfn + " is not in guest memory of " + backing.count() + " pages");
        }
        return (int) pfn;
    }
}
