package io.vstack.filters.basic.internal.stats;

/**
 * A latency distribution in nanoseconds.
 *
 * @param count measured operations
 * @param mean  mean
 * @param p50   median
 * @param p99   99th percentile
 * @param p999  99.9th percentile
 * @param max   largest
 */
public record Latency(long count, double mean, long p50, long p99, long p999, long max) {

    /** Nothing measured. */
    public static final Latency NONE = new Latency(0, 0, 0, 0, 0, 0);
}
