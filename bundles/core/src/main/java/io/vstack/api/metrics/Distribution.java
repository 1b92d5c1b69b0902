package io.vstack.api.metrics;

import java.util.List;
import java.util.Objects;

/**
 * The observations behind a {@link MetricType#HISTOGRAM} or {@link MetricType#SUMMARY} metric, in the
 * metric's unit. A histogram has buckets (cumulative, by increasing upper bound; the last bound is
 * {@link Double#POSITIVE_INFINITY} and its count is {@link #count()}); a summary has quantiles.
 *
 * @param buckets   a histogram's buckets, empty for a summary
 * @param quantiles a summary's quantiles, empty for a histogram
 * @param count     how many observations
 * @param sum       the sum of the observations
 */
public record Distribution(List<Bucket> buckets, List<Quantile> quantiles, long count, double sum) {

    /** No observations, no buckets, no quantiles: what a counter or a gauge carries. */
    public static final Distribution NONE = new Distribution(List.of(), List.of(), 0, 0);

    /**
     * One histogram bucket.
     *
     * @param upperBound the bucket's inclusive upper bound
     * @param count      observations at most {@code upperBound} (cumulative)
     */
    public record Bucket(double upperBound, long count) {
    }

    /**
     * One summary quantile.
     *
     * @param quantile between 0 and 1
     * @param value    the observed value at that quantile
     */
    public record Quantile(double quantile, double value) {

        /**
         * @throws IllegalArgumentException if quantile is outside [0, 1]
         */
        public Quantile {
            if (!(quantile >= 0 && quantile <= 1)) {
                throw new IllegalArgumentException("a quantile is between 0 and 1, not " + quantile);
            }
        }
    }

    /**
     * @throws NullPointerException     if a list is null
     * @throws IllegalArgumentException if the buckets' bounds do not increase, their counts decrease,
     *                                  the last bound is not +Inf with {@code count}, or count is negative
     */
    public Distribution {
        buckets = List.copyOf(Objects.requireNonNull(buckets, "buckets"));
        quantiles = List.copyOf(Objects.requireNonNull(quantiles, "quantiles"));
        if (count < 0) {
            throw new IllegalArgumentException("a count cannot be negative: " + count);
        }
        for (int i = 1; i < buckets.size(); i++) {
            if (!(buckets.get(i).upperBound() > buckets.get(i - 1).upperBound()) || buckets.get(i).count() < buckets.get(i - 1).count()) {
                throw new IllegalArgumentException("bucket bounds must increase and counts not decrease: " + buckets);
            }
        }
        if (!buckets.isEmpty()) {
            Bucket last = buckets.get(buckets.size() - 1);
            if (last.upperBound() != Double.POSITIVE_INFINITY || last.count() != count) {
                throw new IllegalArgumentException("the last bucket is +Inf and holds every observation (" + count + "): " + last);
            }
        }
    }

    /** A histogram from cumulative buckets (the last one +Inf). */
    public static Distribution histogram(List<Bucket> buckets, double sum) {
        return new Distribution(buckets, List.of(), buckets.isEmpty() ? 0 : buckets.get(buckets.size() - 1).count(), sum);
    }

    /** A summary from quantiles. */
    public static Distribution summary(List<Quantile> quantiles, long count, double sum) {
        return new Distribution(List.of(), quantiles, count, sum);
    }

    /**
     * The value below which the fraction {@code q} of a histogram's observations lie, interpolated
     * linearly inside the bucket that holds it (as Prometheus's {@code histogram_quantile} does);
     * {@code NaN} with no observations.
     */
    public double quantile(double q) {
        if (count == 0 || buckets.isEmpty()) {
            return Double.NaN;
        }
        double rank = q * count;
        double lower = 0;
        long below = 0;
        for (Bucket b : buckets) {
            if (b.count() >= rank && b.count() > below) {
                if (b.upperBound() == Double.POSITIVE_INFINITY) {
                    return lower;
                }
                return lower + (b.upperBound() - lower) * (rank - below) / (b.count() - below);
            }
            lower = b.upperBound();
            below = b.count();
        }
        return lower;
    }
}
