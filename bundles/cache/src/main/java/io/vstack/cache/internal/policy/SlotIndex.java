package io.vstack.cache.internal.policy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The key → slot index of a {@link TwoPhasePolicy}: an open-addressing table (linear probing,
 * backward-shift deletion, load at most 0.75) of slot numbers + 1, 0 = empty. Each cell also
 * holds a tag, bits of its key's hash in the bits the slot number does not need, so a probe
 * compares a key (through the owner's {@code slotKey} array, which this index reads) only when
 * the tag matches: a probe past other keys' cells loads no key.
 *
 * <p><b>Threads.</b> {@link #find} takes no lock and may run while the owner changes the index
 * under its lock ({@link #insert}, {@link #remove}): cells are published with release stores and
 * read with acquire loads, keys read opaquely, so a racing find sees a cell and its key or misses.
 * 4 bytes per cell.
 */
final class SlotIndex {

    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slotKey;
    private final int[] table;
    private final int slotMask;

    /** An index of the slots of {@code slotKey} (the owner writes a slot's key before inserting it). */
    SlotIndex(long[] slotKey) {
        int capacity = slotKey.length;
        this.slotKey = slotKey;
        this.table = new int[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(capacity + 1L, (capacity * 4L + 2) / 3))];
        int slotBits = 32 - Integer.numberOfLeadingZeros(capacity);
        this.slotMask = slotBits == 32 ? -1 : (1 << slotBits) - 1;
    }

    /** Bytes of cells. */
    long bytes() {
        return 4L * table.length;
    }

    /** The slot of {@code key}, whose {@link Hashing#mix} is {@code hash}, or -1. */
    int find(long key, long hash) {
        int n = table.length;
        int i = Hashing.index(hash, n);
        int tag = tag(hash);
        for (int probes = 0; probes < n; probes++) {
            int cell = (int) INTS.getAcquire(table, i);
            if (cell == 0) {
                return -1;
            }
            if ((cell & ~slotMask) == tag && (long) LONGS.getOpaque(slotKey, (cell & slotMask) - 1) == key) {
                return (cell & slotMask) - 1;
            }
            if (++i == n) {
                i = 0;
            }
        }
        return -1;
    }

    /** Publishes {@code slot}, whose key has the mixed hash {@code hash} (under the owner's lock). */
    void insert(long hash, int slot) {
        int n = table.length;
        int i = Hashing.index(hash, n);
        while (table[i] != 0) {
            if (++i == n) {
                i = 0;
            }
        }
        INTS.setRelease(table, i, tag(hash) | (slot + 1));
    }

    /** Removes {@code key}, whose mixed hash is {@code hash} (under the owner's lock; it must be present). */
    void remove(long key, long hash) {
        int n = table.length;
        int hole = Hashing.index(hash, n);
        while (table[hole] == 0 || slotKey[(table[hole] & slotMask) - 1] != key) {
            if (table[hole] == 0) {
                throw new IllegalStateException("key " + key + " not in the index");
            }
            if (++hole == n) {
                hole = 0;
            }
        }
        int j = hole;
        for (;;) {
            if (++j == n) {
                j = 0;
            }
            int cell = table[j];
            if (cell == 0) {
                break;
            }
            int home = Hashing.index(Hashing.mix(slotKey[(cell & slotMask) - 1]), n);
            int fromHome = j - home < 0 ? j - home + n : j - home;
            int fromHole = j - hole < 0 ? j - hole + n : j - hole;
            if (fromHome >= fromHole) {
                INTS.setRelease(table, hole, cell);
                hole = j;
            }
        }
        INTS.setRelease(table, hole, 0);
    }

    /** The bits of a cell above the slot number: low bits of the key's hash (the index uses its high bits). */
    private int tag(long hash) {
        return (int) hash & ~slotMask;
    }
}
