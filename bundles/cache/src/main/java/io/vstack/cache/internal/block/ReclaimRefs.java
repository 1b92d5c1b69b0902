package io.vstack.cache.internal.block;

import java.util.Arrays;

/**
 * Reclaimable page references: block key to (frame number, frame generation) of a frame the
 * cache gave back to the host's free pool. Open addressing with linear probing and
 * backward-shift deletion over three primitive arrays; grows by doubling. Not thread-safe (the
 * cache guards it with its lock); allocates nothing except when it grows.
 */
final class ReclaimRefs {

    private static final long EMPTY = -1L;

    private long[] keys;
    private long[] frames;
    private long[] generations;
    private int mask;
    private int size;

    ReclaimRefs() {
        allocate(16);
    }

    int size() {
        return size;
    }

    /** Records (or replaces) the reference of {@code key}. */
    void put(long key, long frame, long generation) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int i = find(key);
        if (keys[i] == EMPTY) {
            keys[i] = key;
            size++;
        }
        frames[i] = frame;
        generations[i] = generation;
    }

    /** The slot index of {@code key}, or -1; read its frame and generation with {@link #frame}/{@link #generation}. */
    int indexOf(long key) {
        int i = find(key);
        return keys[i] == EMPTY ? -1 : i;
    }

    long frame(int index) {
        return frames[index];
    }

    long generation(int index) {
        return generations[index];
    }

    /** Drops the reference of {@code key}; returns whether there was one. */
    boolean remove(long key) {
        if (size == 0) {
            return false;
        }
        int i = find(key);
        if (keys[i] == EMPTY) {
            return false;
        }
        removeAt(i);
        return true;
    }

    /** Drops every reference whose key satisfies the test; returns how many. */
    int removeIf(java.util.function.LongPredicate test) {
        int removed = 0;
        int i = 0;
        while (i < keys.length) {
            if (keys[i] != EMPTY && test.test(keys[i])) {
                removeAt(i);     // shifts a later entry into i: look at i again
                removed++;
            } else {
                i++;
            }
        }
        return removed;
    }

    void clear() {
        Arrays.fill(keys, EMPTY);
        size = 0;
    }

    private int find(long key) {
        int i = hash(key) & mask;
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void removeAt(int hole) {
        keys[hole] = EMPTY;
        size--;
        int i = (hole + 1) & mask;
        while (keys[i] != EMPTY) {
            int home = hash(keys[i]) & mask;
            // move entry i into the hole if its home is not in (hole, i]
            boolean between = hole <= i ? home > hole && home <= i : home > hole || home <= i;
            if (!between) {
                keys[hole] = keys[i];
                frames[hole] = frames[i];
                generations[hole] = generations[i];
                keys[i] = EMPTY;
                hole = i;
            }
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldFrames = frames;
        long[] oldGenerations = generations;
        allocate(oldKeys.length * 2);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldFrames[i], oldGenerations[i]);
            }
        }
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        frames = new long[capacity];
        generations = new long[capacity];
        mask = capacity - 1;
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
