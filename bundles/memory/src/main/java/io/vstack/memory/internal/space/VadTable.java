package io.vstack.memory.internal.space;

import io.vstack.api.memory.Protection;
import java.util.Arrays;

/**
 * The virtual address descriptors of a space: a dense array indexed by the tag that page-table
 * entries carry, so a fault finds its descriptor by index, never by searching. A descriptor holds
 * the protection and the number of pages that carry its tag; it is freed, and its index reused,
 * when that number falls to zero.
 * <p>Not thread-safe: the owning space serializes calls.
 */
final class VadTable {

    private static final Protection[] PROTECTIONS = Protection.values();

    private byte[] protection = new byte[64];
    private long[] pages = new long[64];
    private int[] free = new int[16];
    private int freeCount;
    private int high;
    private int live;
    private long mappedPages;

    /** A new descriptor with {@code p} and no pages; -1 if every index is taken. */
    int add(Protection p) {
        int v;
        if (freeCount > 0) {
            v = free[--freeCount];
        } else {
            if (high == Pte.MAX_VADS) {
                return -1;
            }
            if (high == protection.length) {
                protection = Arrays.copyOf(protection, high * 2);
                pages = Arrays.copyOf(pages, high * 2);
            }
            v = high++;
        }
        protection[v] = (byte) p.ordinal();
        pages[v] = 0;
        live++;
        return v;
    }

    Protection protection(int v) {
        return PROTECTIONS[protection[v]];
    }

    void addPages(int v, long n) {
        pages[v] += n;
        mappedPages += n;
    }

    /** Takes {@code n} pages off descriptor {@code v}; frees it when none are left. */
    void removePages(int v, long n) {
        pages[v] -= n;
        mappedPages -= n;
        if (pages[v] < 0) {
            throw new IllegalStateException("descriptor " + v + " lost more pages than it had");
        }
        if (pages[v] == 0) {
            if (freeCount == free.length) {
                free = Arrays.copyOf(free, freeCount * 2);
            }
            free[freeCount++] = v;
            live--;
        }
    }

    long pages(int v) {
        return pages[v];
    }

    /** Frees descriptor {@code v} if it holds no page (a mapping that failed before tagging anything). */
    void dropIfEmpty(int v) {
        if (pages[v] == 0 && !isFree(v)) {
            if (freeCount == free.length) {
                free = Arrays.copyOf(free, freeCount * 2);
            }
            free[freeCount++] = v;
            live--;
        }
    }

    private boolean isFree(int v) {
        for (int i = 0; i < freeCount; i++) {
            if (free[i] == v) {
                return true;
            }
        }
        return false;
    }

    int live() {
        return live;
    }

    long mappedPages() {
        return mappedPages;
    }
}
