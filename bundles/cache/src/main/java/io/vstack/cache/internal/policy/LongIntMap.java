package io.vstack.cache.internal.policy;

/**
 * An open-addressing {@code long -> int} map with linear probing and backward-shift deletion:
 * primitive arrays only, no boxing, no allocation except when it grows. Values must be
 * non-negative; {@link #get} returns -1 for an absent key. Not thread-safe.
 */
public final class LongIntMap {

    private long[] keys;
    /** value + 1; 0 marks an empty cell. */
    private int[] values;
    private int mask;
    private int size;

    /** A map that holds {@code expected} entries without growing. */
    public LongIntMap(int expected) {
        int cells = Integer.highestOneBit(Math.max(4, expected + expected / 2) - 1) << 1;
        keys = new long[cells];
        values = new int[cells];
        mask = cells - 1;
    }

    /** Entries now. */
    public int size() {
        return size;
    }

    private int home(long key) {
        return (int) (Hashing.mix(key) >>> 32) & mask;
    }

    /** The value of {@code key}, or -1. */
    public int get(long key) {
        for (int i = home(key); ; i = (i + 1) & mask) {
            int v = values[i];
            if (v == 0) {
                return -1;
            }
            if (keys[i] == key) {
                return v - 1;
            }
        }
    }

    /** Sets {@code key}'s value ({@code value >= 0}); returns the previous value or -1. */
    public int put(long key, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative value " + value);
        }
        for (int i = home(key); ; i = (i + 1) & mask) {
            int v = values[i];
            if (v == 0) {
                keys[i] = key;
                values[i] = value + 1;
                if (++size > (mask + 1) * 3 / 4) {
                    grow();
                }
                return -1;
            }
            if (keys[i] == key) {
                values[i] = value + 1;
                return v - 1;
            }
        }
    }

    /** Removes {@code key}; returns its value or -1. */
    public int remove(long key) {
        for (int i = home(key); ; i = (i + 1) & mask) {
            int v = values[i];
            if (v == 0) {
                return -1;
            }
            if (keys[i] == key) {
                deleteAt(i);
                size--;
                return v - 1;
            }
        }
    }

    private void deleteAt(int hole) {
        int i = hole;
        for (int j = (i + 1) & mask; values[j] != 0; j = (j + 1) & mask) {
            int home = home(keys[j]);
            // Move j back into the hole unless its home lies cyclically in (hole, j].
            if (((j - home) & mask) >= ((j - i) & mask)) {
                keys[i] = keys[j];
                values[i] = values[j];
                i = j;
            }
        }
        values[i] = 0;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldValues.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != 0) {
                put(oldKeys[i], oldValues[i] - 1);
            }
        }
    }
}
