package io.vstack.benchmarks.memory;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.StampedLock;

/**
 * The "search a tree" baseline of the fault benchmark: mappings in a TreeMap searched on every
 * fault (as Linux's {@code find_vma} searches its tree before the table walk), pages in a HashMap
 * from page address to frame. Frames come from a preallocated pool and are zeroed when dropped, as
 * in the page-table space, and every operation takes the same kind of lock, so the two differ only
 * in how a fault finds the mapping and the page.
 */
final class TreeSpace {

    private static final int PAGE = 4096;
    private static final ByteBuffer ZERO = ByteBuffer.allocateDirect(PAGE).asReadOnlyBuffer();

    private final TreeMap<Long, long[]> mappings = new TreeMap<>(); // start -> {end, writable}
    private final Map<Long, Integer> pages = new HashMap<>();
    private final StampedLock lock = new StampedLock();
    private final ByteBuffer frames;
    private final int[] free;
    private int freeCount;

    TreeSpace(int frames) {
        this.frames = ByteBuffer.allocateDirect(frames * PAGE);
        this.free = new int[frames];
        for (int i = 0; i < frames; i++) {
            free[freeCount++] = frames - 1 - i;
        }
    }

    void map(long start, long length, boolean writable) {
        long end = start + length;
        Map.Entry<Long, long[]> before = mappings.lowerEntry(end);
        if (before != null && before.getValue()[0] > start) {
            throw new IllegalArgumentException("overlapping mapping at " + start);
        }
        mappings.put(start, new long[] {end, writable ? 1 : 0});
    }

    /** A write fault at {@code va}: finds the mapping by search, installs a frame. */
    void fault(long va) {
        long stamp = lock.writeLock();
        try {
            Map.Entry<Long, long[]> m = mappings.floorEntry(va);
            if (m == null || m.getValue()[0] <= va) {
                throw new IllegalStateException("segmentation fault at " + va);
            }
            if (m.getValue()[1] == 0) {
                throw new IllegalStateException("protection fault at " + va);
            }
            Long page = va & -PAGE;
            if (!pages.containsKey(page)) {
                pages.put(page, free[--freeCount]);
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Drops the page at {@code va}: its frame is zeroed and goes back to the pool. */
    boolean discard(long va) {
        long stamp = lock.writeLock();
        try {
            Integer frame = pages.remove(va & -PAGE);
            if (frame == null) {
                return false;
            }
            frames.put(frame * PAGE, ZERO, 0, PAGE);
            free[freeCount++] = frame;
            return true;
        } finally {
            lock.unlockWrite(stamp);
        }
    }
}
