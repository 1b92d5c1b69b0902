package io.vstack.support;

import io.vstack.api.metrics.Distribution;
import java.util.ArrayList;
import java.util.List;

/**
 * Latency histograms for paths that time every I/O: buckets whose upper bounds are the powers of two
 * from 1.024 µs to 1.07 s (and +Inf), counted in {@link ThreadCounters} cells (a plain add per
 * observation, no atomic instruction), with the sum of the observations. Several series (one per
 * operation, say) share one object.
 * <p>Thread-safe; {@link #record} allocates nothing after a thread's first observation.
 */
public final class LatencyHistogram {

    /** One request in this many is timed on sampled paths (a power of two). */
    public static final int SAMPLE = 16;

    /** The first bucket's bound is 2^{@value} ns. */
    private static final int FIRST_EXPONENT = 10;
    /** Buckets with a finite bound (2^10 … 2^30 ns), then one for +Inf. */
    private static final int FINITE_BUCKETS = 21;
    private static final int FIELDS_PER_SERIES = FINITE_BUCKETS + 2;

    private final int series;
    private final ThreadCounters counters;

    /** {@code series} empty histograms, numbered from 0. */
    public LatencyHistogram(int series) {
        if (series <= 0) {
            throw new IllegalArgumentException("a histogram set needs at least one series, not " + series);
        }
        this.series = series;
        this.counters = new ThreadCounters(series * FIELDS_PER_SERIES);
    }

    /** Counts one observation of {@code nanos} (negative counts as 0) in series {@code s}. */
    public void record(int s, long nanos) {
        int base = s * FIELDS_PER_SERIES;
        counters.add(base + bucket(nanos), base + FINITE_BUCKETS + 1, Math.max(0, nanos));
    }

    /** Counts one sampled observation of {@code nanos} as {@link #SAMPLE} observations. */
    public void recordSample(int s, long nanos) {
        int base = s * FIELDS_PER_SERIES;
        counters.add(base + bucket(nanos), SAMPLE);
        counters.add(base + FINITE_BUCKETS + 1, Math.max(0, nanos) * SAMPLE);
    }

    /** The bucket an observation falls in: the smallest power-of-two bound at least {@code nanos}. */
    static int bucket(long nanos) {
        if (nanos <= 1L << FIRST_EXPONENT) {
            return 0;
        }
        int exponent = 64 - Long.numberOfLeadingZeros(nanos - 1);
        return Math.min(exponent - FIRST_EXPONENT, FINITE_BUCKETS);
    }

    /** Series {@code s} now, in seconds: cumulative buckets, count and sum. */
    public Distribution distribution(int s) {
        if (s < 0 || s >= series) {
            throw new IndexOutOfBoundsException("series " + s + " of " + series);
        }
        int base = s * FIELDS_PER_SERIES;
        List<Distribution.Bucket> buckets = new ArrayList<>(FINITE_BUCKETS + 1);
        long cumulative = 0;
        for (int b = 0; b <= FINITE_BUCKETS; b++) {
            cumulative += counters.sum(base + b);
            double bound = b == FINITE_BUCKETS ? Double.POSITIVE_INFINITY : (1L << (FIRST_EXPONENT + b)) / 1e9;
            buckets.add(new Distribution.Bucket(bound, cumulative));
        }
        return Distribution.histogram(buckets, counters.sum(base + FINITE_BUCKETS + 1) / 1e9);
    }
}
