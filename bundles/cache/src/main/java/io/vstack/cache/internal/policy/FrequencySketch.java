package io.vstack.cache.internal.policy;

/**
 * A count-min sketch of 4-bit counters that estimates how often each key was seen recently (the
 * TinyLFU idea: Einziger, Friedman, Manes, "TinyLFU: A Highly Efficient Cache Admission Policy",
 * ACM ToS 2017). Counters are packed 16 to a {@code long}, grouped in 64-byte blocks of 8 words;
 * a key's 4 counters lie in one block (one cache line), one in each pair of words. An increment
 * raises only those of the key's counters that equal its current estimate (conservative update),
 * saturating at 15. The owner calls {@link #halve()} periodically (every {@code 10 × capacity}
 * increments in {@link TwoPhasePolicy}), so the estimate follows the recent past.
 *
 * <p><b>Threads.</b> Updates are plain, unsynchronized stores: two threads incrementing at once
 * may lose an increment, and an increment racing with {@link #halve()} may undo the halving of
 * one word; both only shift an estimate by one step. Nothing allocates.
 */
final class FrequencySketch {

    private static final long HALVE_MASK = 0x7777_7777_7777_7777L;
    private static final int WORDS_PER_BLOCK = 8;
    private static final int COUNTERS_PER_BLOCK = WORDS_PER_BLOCK * 16;

    private final long[] words;
    private final int blocks;

    /** A sketch of at least {@code countersPerKey × keys} counters, rounded up to whole 64-byte blocks. */
    FrequencySketch(int keys, int countersPerKey) {
        long counters = Math.max(1L, (long) keys * countersPerKey);
        this.blocks = (int) Math.min(Integer.MAX_VALUE / WORDS_PER_BLOCK,
                (counters + COUNTERS_PER_BLOCK - 1) / COUNTERS_PER_BLOCK);
        this.words = new long[blocks * WORDS_PER_BLOCK];
    }

    /** Bytes of counters. */
    long bytes() {
        return 8L * words.length;
    }

    /** The estimated recent frequency (0..15) of the key whose {@link Hashing#mix} is {@code hash}. */
    int frequency(long hash) {
        long h = rehash(hash);
        int base = Hashing.index(h, blocks) * WORDS_PER_BLOCK;
        int min = 15;
        for (int i = 0; i < 4; i++) {
            int bits = (int) (h >>> (i << 3));
            long word = words[base + (i << 1) + (bits & 1)];
            min = Math.min(min, (int) (word >>> ((bits & 0x1e) << 1)) & 15);
        }
        return min;
    }

    /**
     * Counts one more occurrence of the key whose {@link Hashing#mix} is {@code hash}.
     *
     * @return whether a counter changed (false once the key's estimate is saturated at 15)
     */
    boolean increment(long hash) {
        long h = rehash(hash);
        int base = Hashing.index(h, blocks) * WORDS_PER_BLOCK;
        int min = 15;
        for (int i = 0; i < 4; i++) {
            int bits = (int) (h >>> (i << 3));
            long word = words[base + (i << 1) + (bits & 1)];
            min = Math.min(min, (int) (word >>> ((bits & 0x1e) << 1)) & 15);
        }
        if (min == 15) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            int bits = (int) (h >>> (i << 3));
            int w = base + (i << 1) + (bits & 1);
            int shift = (bits & 0x1e) << 1;
            long word = words[w];
            if (((int) (word >>> shift) & 15) == min) {
                words[w] = word + (1L << shift);
            }
        }
        return true;
    }

    /** Halves every counter (ageing). */
    void halve() {
        for (int i = 0; i < words.length; i++) {
            words[i] = (words[i] >>> 1) & HALVE_MASK;
        }
    }

    /** A second, independent mix: the block from its high 32 bits, the 4 counters from its low 32. */
    private static long rehash(long hash) {
        long h = hash * 0x9e37_79b9_7f4a_7c15L;
        return h ^ (h >>> 29);
    }
}
