package io.vstack.memory.internal.space;

import io.vstack.api.hw.OutOfFramesException;
import io.vstack.api.hw.PhysicalMemory;
import io.vstack.api.memory.Access;
import io.vstack.api.memory.AddressSpace;
import io.vstack.api.memory.AddressSpaceException;
import io.vstack.api.memory.AddressSpaceInfo;
import io.vstack.api.memory.InvalidRangeException;
import io.vstack.api.memory.PageFaultStats;
import io.vstack.api.memory.PageResidency;
import io.vstack.api.memory.Protection;
import io.vstack.api.memory.ProtectionViolationException;
import io.vstack.api.memory.UnmappedAddressException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.StampedLock;

/**
 * An {@link AddressSpace} on a {@link PageTable} in host frames. Loads and stores of resident pages
 * walk the table under the shared side of a lock (in parallel); faults, mapping changes and
 * residency changes take its exclusive side.
 */
public final class PagedSpace implements AddressSpace, PageResidency {

    static final int PAGE = AddressSpace.PAGE_SIZE;
    private static final int BUCKETS = 40;
    private static final long READABLE = Pte.PRESENT | Pte.READ;
    private static final long WRITABLE = Pte.PRESENT | Pte.WRITE;

    private final String name;
    private final String host;
    private final FramePool pool;
    private final SwapFile swap;
    private final PageTable table;
    private final StampedLock lock = new StampedLock();
    private final LongAdder protectionFaults = new LongAdder();
    private final LongAdder unmappedFaults = new LongAdder();
    private final AtomicLongArray latency = new AtomicLongArray(BUCKETS);
    private int sample;
    private volatile boolean destroyed;

    private PagedSpace(String name, String host, FramePool pool, SwapFile swap) throws OutOfFramesException {
        this.name = name;
        this.host = host;
        this.pool = pool;
        this.swap = swap;
        this.table = new PageTable(name, pool, swap);
    }

    /**
     * An empty space named {@code name} on {@code memory} (host {@code host}), swapping to
     * {@code swapFile} (created on the first reclaim).
     *
     * @throws AddressSpaceException if the top-level table gets no frame
     */
    public static PagedSpace create(String name, String host, PhysicalMemory memory, Path swapFile)
            throws AddressSpaceException {
        try {
            return new PagedSpace(name, host, new FramePool(memory), new SwapFile(swapFile));
        } catch (OutOfFramesException e) {
            throw new AddressSpaceException("address space " + name + " gets no frame for its top-level table: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String host() {
        return host;
    }

    // ---- mappings ----

    @Override
    public void map(long address, long length, Protection protection) throws AddressSpaceException {
        java.util.Objects.requireNonNull(protection, "protection");
        long end = checkRange(address, length);
        exclusive(() -> {
            table.map(address, end, protection);
            return null;
        });
    }

    @Override
    public void unmap(long address, long length) throws AddressSpaceException {
        long end = checkRange(address, length);
        exclusive(() -> {
            table.unmap(address, end);
            return null;
        });
    }

    @Override
    public void protect(long address, long length, Protection protection) throws AddressSpaceException {
        java.util.Objects.requireNonNull(protection, "protection");
        long end = checkRange(address, length);
        exclusive(() -> {
            table.protect(address, end, protection);
            return null;
        });
    }

    // ---- faults and accesses ----

    @Override
    public void fault(long address, Access access) throws AddressSpaceException {
        checkAddress(address);
        handleFault(address, access);
    }

    private long handleFault(long address, Access access) throws AddressSpaceException {
        long stamp = lock.writeLock();
        try {
            checkLive();
            boolean timed = (++sample & (PageFaultStats.TIMING_SAMPLE - 1)) == 0;
            long t0 = timed ? System.nanoTime() : 0;
            long e = table.fault(address, access);
            if (timed) {
                long ns = System.nanoTime() - t0;
                latency.incrementAndGet(Math.min(BUCKETS - 1, 63 - Long.numberOfLeadingZeros(Math.max(1, ns))));
            }
            return e;
        } catch (UnmappedAddressException e) {
            unmappedFaults.increment();
            throw e;
        } catch (ProtectionViolationException e) {
            protectionFaults.increment();
            throw e;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    public long load(long address) throws AddressSpaceException {
        checkWord(address);
        while (true) {
            long stamp = lock.readLock();
            try {
                checkLive();
                long e = table.leaf(address);
                if ((e & READABLE) == READABLE) {
                    return table.memory(e).getLong(table.offset(e) + (int) (address & (PAGE - 1)));
                }
            } finally {
                lock.unlockRead(stamp);
            }
            handleFault(address, Access.READ);
        }
    }

    @Override
    public void store(long address, long value) throws AddressSpaceException {
        checkWord(address);
        while (true) {
            long stamp = lock.readLock();
            try {
                checkLive();
                long e = table.leaf(address);
                if ((e & WRITABLE) == WRITABLE) {
                    table.memory(e).putLong(table.offset(e) + (int) (address & (PAGE - 1)), value);
                    return;
                }
            } finally {
                lock.unlockRead(stamp);
            }
            handleFault(address, Access.WRITE);
        }
    }

    /**
     * Stores {@code value} in every 8-byte word of [{@code address}, {@code address + length}) of
     * one page, with one walk (a guest write of a run of words).
     *
     * @throws AddressSpaceException as for {@link #store}; also if the run leaves the page
     */
    public void fill(long address, int length, long value) throws AddressSpaceException {
        checkWord(address);
        int inPage = (int) (address & (PAGE - 1));
        if (length < 0 || (length & 7) != 0 || inPage + length > PAGE) {
            throw new InvalidRangeException("a run of " + length + " bytes at " + PageTable.hex(address)
                    + " is not whole words within one page");
        }
        while (true) {
            long stamp = lock.readLock();
            try {
                checkLive();
                long e = table.leaf(address);
                if ((e & WRITABLE) == WRITABLE) {
                    ByteBuffer m = table.memory(e);
                    int base = table.offset(e) + inPage;
                    for (int i = 0; i < length; i += Long.BYTES) {
                        m.putLong(base + i, value);
                    }
                    return;
                }
            } finally {
                lock.unlockRead(stamp);
            }
            handleFault(address, Access.WRITE);
        }
    }

    @Override
    public ByteBuffer page(long address, Access access) throws AddressSpaceException {
        checkAddress(address);
        long page = address & -PAGE;
        long need = access == Access.WRITE ? WRITABLE : READABLE;
        while (true) {
            long stamp = lock.readLock();
            try {
                checkLive();
                long e = table.leaf(page);
                if ((e & need) == need) {
                    ByteBuffer view = table.memory(e).slice(table.offset(e), PAGE);
                    return access == Access.WRITE ? view : view.asReadOnlyBuffer();
                }
            } finally {
                lock.unlockRead(stamp);
            }
            handleFault(page, access);
        }
    }

    // ---- residency ----

    @Override
    public PageResidency residency() {
        return this;
    }

    @Override
    public long reclaim(long address, long length) throws AddressSpaceException {
        long end = checkRange(address, length);
        return exclusive(() -> table.reclaim(address, end));
    }

    /**
     * Drops the resident, unpinned page at {@code address} with its bytes (the next touch faults in a
     * zero page), like {@code madvise(MADV_DONTNEED)}.
     *
     * @return whether a page was dropped
     * @throws AddressSpaceException if the address is outside the space or the space is destroyed
     */
    public boolean discard(long address) throws AddressSpaceException {
        checkAddress(address);
        long stamp = lock.writeLock();
        try {
            checkLive();
            return table.discard(address & -PAGE);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    public long[] pin(long address, long length) throws AddressSpaceException {
        long end = checkRange(address, length);
        long[] frames = new long[Math.toIntExact(length / PAGE)];
        return exclusive(() -> {
            int n = 0;
            try {
                for (long va = address; va < end; va += PAGE) {
                    frames[n] = table.pin(va);
                    n++;
                }
            } catch (AddressSpaceException e) {
                for (int i = 0; i < n; i++) {
                    table.unpin(address + (long) i * PAGE);
                }
                throw e;
            }
            return frames;
        });
    }

    @Override
    public void unpin(long address, long length) throws AddressSpaceException {
        long end = checkRange(address, length);
        exclusive(() -> {
            for (long va = address; va < end; va += PAGE) {
                if (!table.pinned(va)) {
                    throw new UnmappedAddressException("address space " + name + ": page " + PageTable.hex(va)
                            + " is not pinned");
                }
            }
            for (long va = address; va < end; va += PAGE) {
                table.unpin(va);
            }
            return null;
        });
    }

    // ---- figures ----

    @Override
    public AddressSpaceInfo info() {
        long stamp = lock.readLock();
        try {
            return new AddressSpaceInfo(name, host, table.mappings(), table.mappedPages() * PAGE, table.residentPages(),
                    table.swappedPages(), table.pinnedPages(), table.tablePages());
        } finally {
            lock.unlockRead(stamp);
        }
    }

    @Override
    public PageFaultStats faultStats() {
        long stamp = lock.readLock();
        try {
            List<Long> buckets = new ArrayList<>(BUCKETS);
            for (int i = 0; i < BUCKETS; i++) {
                buckets.add(latency.get(i));
            }
            return new PageFaultStats(table.demandFaults, table.swapInFaults, protectionFaults.sum(),
                    unmappedFaults.sum(), table.reclaimedPages, buckets);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Host frames the space holds: its pages, its tables, and the pool's zeroed spares. */
    public long heldFrames() {
        long stamp = lock.readLock();
        try {
            return pool.heldFrames();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Gives every frame back to the host and deletes the swap file; later calls fail. Idempotent. */
    public void destroy() throws IOException {
        long stamp = lock.writeLock();
        try {
            if (destroyed) {
                return;
            }
            destroyed = true;
            pool.close();
            swap.close();
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** A change of the table, made under the exclusive lock. */
    @FunctionalInterface
    private interface Change<T> {
        T run() throws AddressSpaceException;
    }

    private <T> T exclusive(Change<T> change) throws AddressSpaceException {
        long stamp = lock.writeLock();
        try {
            checkLive();
            return change.run();
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    // ---- checks ----

    private void checkLive() throws AddressSpaceException {
        if (destroyed) {
            throw new AddressSpaceException("address space " + name + " is destroyed");
        }
    }

    private long checkRange(long address, long length) throws InvalidRangeException {
        if (address < 0 || length <= 0 || ((address | length) & (PAGE - 1)) != 0) {
            throw new InvalidRangeException("address space " + name + ": range at " + address + " of " + length
                    + " bytes must have a page-aligned start >= 0 and a positive page-aligned length");
        }
        long end = address + length;
        if (end < 0 || end > ALIAS_WINDOW) {
            throw new InvalidRangeException("address space " + name + ": range at " + PageTable.hex(address) + " of "
                    + length + " bytes ends beyond " + PageTable.hex(ALIAS_WINDOW)
                    + " (the top 512 GiB are the per-CPU alias window)");
        }
        return end;
    }

    private void checkAddress(long address) throws InvalidRangeException {
        if (address < 0 || address >= SIZE) {
            throw new InvalidRangeException("address " + address + " is outside address space " + name + " [0, 2^48)");
        }
        if (address >= ALIAS_WINDOW) {
            throw new InvalidRangeException("address " + PageTable.hex(address) + " is in the per-CPU alias window of "
                    + name + ": it is reached through a CPU, not the page table");
        }
    }

    private void checkWord(long address) throws InvalidRangeException {
        checkAddress(address);
        if ((address & 7) != 0) {
            throw new InvalidRangeException("address " + PageTable.hex(address) + " is not 8-byte aligned");
        }
    }
}
