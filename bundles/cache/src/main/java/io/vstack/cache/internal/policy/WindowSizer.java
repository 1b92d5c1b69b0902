package io.vstack.cache.internal.policy;

/**
 * The cold queue's target size in a {@link TwoPhasePolicy}, adapted on ghost hits by how recently
 * the key left, as ARC adapts on hits in its ghost lists, but only on ghost hits a small change
 * of size would have turned into hits:
 * <ul>
 * <li>a key that lost the duel for the hot region and comes back within {@code reach} misses
 *     would have hit in a cold queue larger by about that much: the target grows by
 *     {@value #STEP} slots;</li>
 * <li>a key evicted from the hot region that comes back within {@code reach} hot evictions would
 *     have hit in a hot region larger by about that much: the target shrinks by
 *     {@value #STEP}.</li>
 * </ul>
 * A ghost hit from further back says nothing about a change of a few slots, so it is ignored
 * ({@code reach} is {@value #REACH} of the capacity). Growth also needs a <em>credit</em>, earned
 * each time the cold queue's hand finds a key referenced since it entered (at most
 * {@code capacity} credits held): a cold queue that catches no re-references, as on a loop larger
 * than the cache, cannot grow, however many of its rejected keys come back.
 *
 * <p>Why not hill climbing on the hit rate (as Caffeine, and this policy before): the hit rate of
 * one sample swings by several points, while a step of the size moves it by hundredths; a ghost
 * hit within reach is a direct, per-event signal. Measured in docs/BENCHMARKS.md.
 *
 * <p>Not thread-safe: the owning policy calls it under its lock.
 */
final class WindowSizer {

    /** Slots per step. */
    static final int STEP = 2;
    /** The reach of a ghost hit, as a share of the capacity. */
    static final double REACH = 0.05;
    private static final double MIN_SHARE = 0.01;
    private static final double MAX_SHARE = 0.8;

    private final int capacity;
    private final int min;
    private final int max;
    private final long reach;
    private int target;
    private int credits;

    /** A sizer for a policy of {@code capacity} slots whose cold queue starts at {@code initialShare} of them. */
    WindowSizer(int capacity, double initialShare) {
        this.capacity = capacity;
        this.min = Math.max(1, (int) Math.round(MIN_SHARE * capacity));
        this.max = Math.max(min, (int) (MAX_SHARE * capacity));
        this.reach = (long) Math.ceil(REACH * capacity);
        this.target = Math.max(min, Math.min(max, (int) Math.round(initialShare * capacity)));
    }

    /** The cold queue's target size in slots. */
    int target() {
        return target;
    }

    /** The cold queue's hand found a key referenced since it entered. */
    void earnCredit() {
        if (credits < capacity) {
            credits++;
        }
    }

    /** A key that lost the duel {@code misses} misses ago missed again. */
    void coldGhostHit(long misses) {
        if (misses <= reach && credits > 0 && target < max) {
            credits--;
            target = Math.min(max, target + STEP);
        }
    }

    /** A key evicted from the hot region {@code evictions} hot evictions ago missed again. */
    void hotGhostHit(long evictions) {
        if (evictions <= reach) {
            target = Math.max(min, target - STEP);
        }
    }
}
