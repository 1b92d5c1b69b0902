package io.vstack.cache.internal.policy;

/**
 * Hill climbing of a {@link TwoPhasePolicy}'s cold share on the hit rate (as Caffeine tunes its
 * window): every sample period the target moves by a step in the direction that last raised the
 * hit rate, turning back when the rate fell; the step decays by {@value #STEP_DECAY} per sample
 * and restarts at {@value #STEP_SHARE} of the capacity when the rate jumps by
 * {@value #RESTART_CHANGE}. The target stays in {@value #MIN_COLD_SHARE}..{@value #MAX_COLD_SHARE}
 * of the capacity.
 *
 * <p>Not thread-safe: the owning policy calls it under its lock.
 */
final class ColdShareClimber {

    private static final double STEP_SHARE = 0.0625;
    private static final double STEP_DECAY = 0.9;
    private static final double RESTART_CHANGE = 0.05;
    private static final double MIN_COLD_SHARE = 0.01;
    private static final double MAX_COLD_SHARE = 0.5;

    private final int capacity;
    private final long samplePeriod;
    private final int minCold;
    private final int maxCold;
    private long sampleStartAccesses;
    private long sampleStartMisses;
    private double previousHitRate = Double.NaN;
    private double step;

    /** A climber for a policy of {@code capacity} slots sampling every {@code samplePeriod} accesses. */
    ColdShareClimber(int capacity, long samplePeriod) {
        this.capacity = capacity;
        this.samplePeriod = samplePeriod;
        this.step = STEP_SHARE * capacity;
        this.minCold = Math.max(1, (int) (MIN_COLD_SHARE * capacity));
        this.maxCold = Math.max(minCold, (int) (MAX_COLD_SHARE * capacity));
    }

    /**
     * Returns the cold target to use from now on, given the access and miss counts so far and the
     * current target (returned unchanged until a sample period has passed).
     */
    int climb(long accesses, long misses, int coldTarget) {
        long n = accesses - sampleStartAccesses;
        if (n < samplePeriod) {
            return coldTarget;
        }
        double hitRate = 1.0 - (double) (misses - sampleStartMisses) / n;
        sampleStartAccesses = accesses;
        sampleStartMisses = misses;
        if (Double.isNaN(previousHitRate)) {
            previousHitRate = hitRate;
            return coldTarget;
        }
        double change = hitRate - previousHitRate;
        previousHitRate = hitRate;
        double amount = change >= 0 ? step : -step;
        step = Math.abs(change) >= RESTART_CHANGE ? STEP_SHARE * capacity * Math.signum(amount) : STEP_DECAY * amount;
        return (int) Math.max(minCold, Math.min(maxCold, Math.round(coldTarget + amount)));
    }
}
