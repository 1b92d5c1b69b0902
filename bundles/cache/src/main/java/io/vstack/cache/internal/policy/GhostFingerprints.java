package io.vstack.cache.internal.policy;

/**
 * The ghost of a {@link TwoPhasePolicy}: a set-associative store of 32-bit key fingerprints
 * (0 = empty) of keys recently evicted from the cold queue. Each bucket of {@value #WAYS} ways is a
 * FIFO, newest first; remembering a key in a full bucket forgets the bucket's oldest.
 *
 * <p>Not thread-safe: the owning policy calls it under its lock. 4 bytes per entry.
 */
final class GhostFingerprints {

    private static final int WAYS = 8;

    private final int[] entries;
    private final int buckets;

    /** A ghost of about {@code capacity} fingerprints (rounded up to whole buckets; 0 = no ghost). */
    GhostFingerprints(int capacity) {
        this.buckets = Math.max(1, (capacity + WAYS - 1) / WAYS);
        this.entries = new int[capacity == 0 ? 0 : buckets * WAYS];
    }

    /** Bytes this ghost allocated. */
    long bytes() {
        return 4L * entries.length;
    }

    private static int fingerprint(long hash) {
        int f = (int) hash;
        return f == 0 ? 1 : f;
    }

    /** Remembers a key (by its mixed hash) at the front of its bucket; the bucket's oldest fingerprint falls out. */
    void put(long hash) {
        if (entries.length == 0) {
            return;
        }
        int base = Hashing.index(hash, buckets) * WAYS;
        int f = fingerprint(hash);
        int end = base + WAYS - 1;
        for (int i = base; i < end; i++) {
            if (entries[i] == f) {
                end = i;
                break;
            }
        }
        System.arraycopy(entries, base, entries, base + 1, end - base);
        entries[base] = f;
    }

    /** Whether the ghost remembers the key (by its mixed hash); forgets it if so. */
    boolean take(long hash) {
        if (entries.length == 0) {
            return false;
        }
        int base = Hashing.index(hash, buckets) * WAYS;
        int f = fingerprint(hash);
        for (int i = base; i < base + WAYS; i++) {
            if (entries[i] == f) {
                System.arraycopy(entries, i + 1, entries, i, base + WAYS - 1 - i);
                entries[base + WAYS - 1] = 0;
                return true;
            }
            if (entries[i] == 0) {
                return false;
            }
        }
        return false;
    }
}
