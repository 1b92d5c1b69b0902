package io.vstack.cache.internal.policy;

/**
 * Hill climbing of one of a {@link TwoPhasePolicy}'s settings on the hit rate (as Caffeine tunes
 * its window): every sample period the value moves by a step in the direction that last raised the
 * hit rate, turning back when the rate fell; the step decays by {@value #STEP_DECAY} per sample
 * and restarts at its initial size when the rate jumps by {@value #RESTART_CHANGE}. The value
 * stays in a fixed range. The policy climbs its cold share and its recency share
 * ({@link RecencySplit}) with one each.
 *
 * <p>Not thread-safe: the owning policy calls it under its lock.
 */
final class HillClimber {

    private static final double STEP_DECAY = 0.9;
    private static final double RESTART_CHANGE = 0.05;

    private final long samplePeriod;
    private final int min;
    private final int max;
    private final double initialStep;
    private long sampleStartAccesses;
    private long sampleStartMisses;
    private double previousHitRate = Double.NaN;
    private double step;

    /**
     * A climber sampling every {@code samplePeriod} accesses, keeping the value in
     * {@code min..max} and starting (and restarting) with steps of {@code initialStep}.
     */
    HillClimber(long samplePeriod, int min, int max, double initialStep) {
        this.samplePeriod = samplePeriod;
        this.min = min;
        this.max = Math.max(min, max);
        this.initialStep = initialStep;
        this.step = initialStep;
    }

    /**
     * Returns the value to use from now on, given the access and miss counts so far and the
     * current value (returned unchanged until a sample period has passed).
     */
    int climb(long accesses, long misses, int value) {
        long n = accesses - sampleStartAccesses;
        if (n < samplePeriod) {
            return value;
        }
        double hitRate = 1.0 - (double) (misses - sampleStartMisses) / n;
        sampleStartAccesses = accesses;
        sampleStartMisses = misses;
        if (Double.isNaN(previousHitRate)) {
            previousHitRate = hitRate;
            return value;
        }
        double change = hitRate - previousHitRate;
        previousHitRate = hitRate;
        double amount = change >= 0 ? step : -step;
        step = Math.abs(change) >= RESTART_CHANGE ? initialStep * Math.signum(amount) : STEP_DECAY * amount;
        return (int) Math.max(min, Math.min(max, Math.round(value + amount)));
    }
}
