package io.vstack.cache.internal.policy;

/**
 * The ghost of a {@link TwoPhasePolicy}: a set-associative store of keys that recently left the
 * cache, each as one 32-bit entry: a 16-bit fingerprint of the key, where it left from (the cold
 * queue or the hot region) and a coarse stamp of when. Each bucket of {@value #WAYS} ways is a
 * FIFO, newest first; remembering a key in a full bucket forgets the bucket's oldest.
 *
 * <p>Stamps count events (whatever clock the caller passes) in units of {@code unit} events and
 * wrap after 2<sup>15</sup> units, so {@link #age} is exact for ages below {@code 32768 × unit}
 * events; the policy only asks whether an age is below a few percent of its capacity.
 *
 * <p>Not thread-safe: the owning policy calls it under its lock. 4 bytes per entry.
 */
final class GhostFingerprints {

    /** The key left the cold queue (it lost the duel for the hot region). */
    static final int FROM_COLD = 1;
    /** The key was evicted from the hot region. */
    static final int FROM_HOT = 2;

    private static final int WAYS = 8;
    private static final int STAMP_BITS = 15;
    private static final int STAMP_MASK = (1 << STAMP_BITS) - 1;

    private final int[] entries;
    private final int buckets;
    private final long unit;

    /** A ghost of about {@code capacity} keys (rounded up to whole buckets; 0 = no ghost) stamping in units of {@code unit} events. */
    GhostFingerprints(int capacity, long unit) {
        this.buckets = Math.max(1, (capacity + WAYS - 1) / WAYS);
        this.entries = new int[capacity == 0 ? 0 : buckets * WAYS];
        this.unit = Math.max(1, unit);
    }

    /** Bytes this ghost allocated. */
    long bytes() {
        return 4L * entries.length;
    }

    private static int fingerprint(long hash) {
        int f = (int) hash & 0xffff;
        return f == 0 ? 1 : f;
    }

    /** Remembers a key (by its mixed hash) that left from {@code from} when the caller's clock read {@code clock}. */
    void put(long hash, int from, long clock) {
        if (entries.length == 0) {
            return;
        }
        int base = Hashing.index(hash, buckets) * WAYS;
        int f = fingerprint(hash);
        int end = base + WAYS - 1;
        for (int i = base; i < end; i++) {
            if (entries[i] >>> 16 == f) {
                end = i;
                break;
            }
        }
        System.arraycopy(entries, base, entries, base + 1, end - base);
        entries[base] = f << 16 | (from - 1) << STAMP_BITS | (int) (clock / unit) & STAMP_MASK;
    }

    /** The key's entry (0 if the ghost does not remember it), which the ghost forgets. */
    int take(long hash) {
        if (entries.length == 0) {
            return 0;
        }
        int base = Hashing.index(hash, buckets) * WAYS;
        int f = fingerprint(hash);
        for (int i = base; i < base + WAYS; i++) {
            int entry = entries[i];
            if (entry == 0) {
                return 0;
            }
            if (entry >>> 16 == f) {
                System.arraycopy(entries, i + 1, entries, i, base + WAYS - 1 - i);
                entries[base + WAYS - 1] = 0;
                return entry;
            }
        }
        return 0;
    }

    /** Where the key of a non-zero {@code entry} left from: {@link #FROM_COLD} or {@link #FROM_HOT}. */
    static int from(int entry) {
        return (entry >>> STAMP_BITS & 1) + 1;
    }

    /** How many events of the clock it was stamped with ago the key of {@code entry} left, given that clock now (to {@code unit}). */
    long age(int entry, long clock) {
        return (((int) (clock / unit) - entry) & STAMP_MASK) * unit;
    }
}
