package io.vstack.vm.internal;

import io.vstack.api.vm.GuestMemory;
import io.vstack.api.vm.PageFaultHandler;
import io.vstack.api.vm.VmSpec;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The post-copy state of a destination VM's memory: which pages have arrived. A vCPU's access to a
 * missing page ({@link #touch}) asks for it once through the {@link PageFaultHandler} and waits on
 * this object's monitor until {@link #place} puts it in place.
 * <p>Ordering: a placer sets the page's present bit, then reads its requested bit and the waiter
 * count; a vCPU sets the requested bit and raises the waiter count, then reads the present bit (all
 * atomic, hence sequentially consistent), so either the placer sees the request and the waiter and
 * notifies, or the vCPU sees the page and does not wait. Pages nobody asked for (the push) wake
 * nobody: a waiting vCPU is not woken for each of the thousands of pages pushed meanwhile.
 * <p>Thread-safe; of concurrent {@link #place} calls for one page exactly one copies (it claims the
 * page first), so a later copy never overwrites what the guest wrote after the first.
 */
final class PageFaults {

    private final AtomicLongArray present;
    private final AtomicLongArray requested;
    private final AtomicLongArray claimed;
    private final GuestMemory pages;
    private final PageFaultHandler handler;
    private final AtomicInteger waiters = new AtomicInteger();
    private final AtomicInteger missing;
    private volatile boolean cancelled;

    PageFaults(GuestMemory pages, long[] missingBits, PageFaultHandler handler) {
        this.pages = pages;
        this.handler = handler;
        int count = (int) pages.pages();
        int words = (count + 63) / 64;
        this.present = new AtomicLongArray(words);
        this.requested = new AtomicLongArray(words);
        this.claimed = new AtomicLongArray(words);
        int missingCount = 0;
        for (int w = 0; w < words; w++) {
            long valid = w == words - 1 && count % 64 != 0 ? (1L << (count % 64)) - 1 : -1L;
            long miss = (w < missingBits.length ? missingBits[w] : 0) & valid;
            present.set(w, ~miss & valid);
            claimed.set(w, ~miss & valid);
            missingCount += Long.bitCount(miss);
        }
        this.missing = new AtomicInteger(missingCount);
    }

    /** Whether page {@code pfn} is in place. */
    boolean isPresent(long pfn) {
        return (present.get((int) (pfn >>> 6)) & (1L << (pfn & 63))) != 0;
    }

    /** Called by a vCPU before it touches page {@code pfn}: returns at once if present, else faults and waits. */
    void touch(long pfn) {
        if (isPresent(pfn)) {
            return;
        }
        int w = (int) (pfn >>> 6);
        long bit = 1L << (pfn & 63);
        boolean first = (requested.getAndUpdate(w, v -> v | bit) & bit) == 0;
        waiters.incrementAndGet();
        try {
            if (first && !isPresent(pfn)) {
                handler.pageFault(pfn);
            }
            synchronized (this) {
                while (!isPresent(pfn) && !cancelled) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        } finally {
            waiters.decrementAndGet();
        }
    }

    /** Places page {@code pfn} (bytes, or zeros if null) if it is missing; wakes its waiters. */
    boolean place(long pfn, ByteBuffer bytes) {
        if (pfn < 0 || pfn >= pages.pages()) {
            throw new IndexOutOfBoundsException("page " + pfn + " is not in guest memory of " + pages.pages() + " pages");
        }
        long bit = 1L << (pfn & 63);
        if ((claimed.getAndUpdate((int) (pfn >>> 6), v -> v | bit) & bit) != 0) {
            return false;
        }
        ByteBuffer page = pages.page(pfn);
        if (bytes == null) {
            for (int i = 0; i < VmSpec.PAGE_SIZE; i += Long.BYTES) {
                page.putLong(i, 0L);
            }
        } else {
            page.put(bytes.duplicate().limit(bytes.position() + VmSpec.PAGE_SIZE));
        }
        present.getAndUpdate((int) (pfn >>> 6), v -> v | bit);
        missing.decrementAndGet();
        // Only a page some vCPU asked for can have waiters: the push's pages wake nobody.
        if ((requested.get((int) (pfn >>> 6)) & bit) != 0 && waiters.get() > 0) {
            synchronized (this) {
                notifyAll();
            }
        }
        return true;
    }

    /** Pages still missing. */
    int missing() {
        return missing.get();
    }

    /** Missing pages some vCPU asked for. */
    long[] awaited() {
        long[] out = new long[16];
        int n = 0;
        for (int w = 0; w < present.length(); w++) {
            long bits = requested.get(w) & ~present.get(w);
            while (bits != 0) {
                if (n == out.length) {
                    out = java.util.Arrays.copyOf(out, n * 2);
                }
                out[n++] = w * 64L + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Releases every waiting vCPU without its page (the VM is being destroyed). */
    void cancel() {
        cancelled = true;
        synchronized (this) {
            notifyAll();
        }
    }
}
