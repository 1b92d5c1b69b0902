package io.vstack.cache.internal.policy;

/** Hash functions over {@code long} keys, and the reduction of a hash to a table index without a power-of-two size. */
public final class Hashing {

    private Hashing() {
    }

    /** A well-mixed 64-bit hash of a key (the MurmurHash3 finalizer). */
    public static long mix(long key) {
        long h = key;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** Maps the high 32 bits of a hash onto {@code 0 .. n-1} (Lemire's multiply-shift), for any table size n. */
    public static int index(long hash, int n) {
        return (int) (((hash >>> 32) * n) >>> 32);
    }
}
