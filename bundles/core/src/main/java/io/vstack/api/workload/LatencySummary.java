package io.vstack.api.workload;

/**
 * The latency distribution of one kind of operation, in nanoseconds, as measured around each
 * call on the issuing thread.
 *
 * @param count     operations measured
 * @param meanNanos mean
 * @param p50Nanos  median
 * @param p99Nanos  99th percentile
 * @param p999Nanos 99.9th percentile
 * @param maxNanos  largest
 */
public record LatencySummary(long count, double meanNanos, long p50Nanos, long p99Nanos, long p999Nanos, long maxNanos) {

    /** No operation measured. */
    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0);

    /**
     * @throws IllegalArgumentException if a figure is negative or the percentiles are out of order
     */
    public LatencySummary {
        if (count < 0 || meanNanos < 0 || p50Nanos < 0) {
            throw new IllegalArgumentException("negative latency figure");
        }
        if (p50Nanos > p99Nanos || p99Nanos > p999Nanos || p999Nanos > maxNanos) {
            throw new IllegalArgumentException("percentiles out of order: p50 " + p50Nanos + ", p99 " + p99Nanos
                    + ", p999 " + p999Nanos + ", max " + maxNanos);
        }
    }
}
