package io.vstack.vm.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The simulated EPT dirty bits of one VM: one bit per guest page, 64 pages per word.
 * <p>{@link #mark} is called by a vCPU <em>after</em> its store to the page (see
 * {@link GuestRam#write}); it reads the word first and does the atomic OR only when the bit is
 * clear, so a page written repeatedly costs one load per write. {@link #harvestInto} swaps each
 * word with 0 atomically ({@code getAndSet}), so a mark that races the harvest lands either in
 * this harvest or in the next, never in neither. Lock-free and thread-safe.
 */
public final class DirtyLog {

    private final long pages;
    private final AtomicLongArray words;

    /** A log for {@code pages} pages, all clean. */
    public DirtyLog(long pages) {
        if (pages <= 0 || (pages + 63) / 64 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad page count " + pages);
        }
        this.pages = pages;
        this.words = new AtomicLongArray((int) ((pages + 63) / 64));
    }

    /** Number of pages covered. */
    public long pages() {
        return pages;
    }

    /** Number of 64-bit words of a bitmap covering the pages. */
    public int words() {
        return words.length();
    }

    /** Marks page {@code pfn} dirty. */
    public void mark(long pfn) {
        int w = (int) (pfn >>> 6);
        long bit = 1L << (pfn & 63);
        if ((words.get(w) & bit) == 0) {
            words.getAndAccumulate(w, bit, (a, b) -> a | b);
        }
    }

    /** Whether page {@code pfn} is dirty now. */
    public boolean isDirty(long pfn) {
        return (words.get((int) (pfn >>> 6)) & (1L << (pfn & 63))) != 0;
    }

    /**
     * Moves every dirty bit into {@code bitmap} (OR), clearing it here, one atomic swap per word.
     *
     * @return the number of dirty pages harvested
     */
    public long harvestInto(long[] bitmap) {
        if (bitmap.length < words.length()) {
            throw new IllegalArgumentException("bitmap of " + bitmap.length + " words is shorter than " + words.length());
        }
        long count = 0;
        for (int w = 0; w < words.length(); w++) {
            if (words.get(w) != 0) {
                long bits = words.getAndSet(w, 0);
                bitmap[w] |= bits;
                count += Long.bitCount(bits);
            }
        }
        return count;
    }

    /** Clears every bit (dirty logging restarts from a clean slate). */
    public void clear() {
        for (int w = 0; w < words.length(); w++) {
            words.set(w, 0);
        }
    }
}
