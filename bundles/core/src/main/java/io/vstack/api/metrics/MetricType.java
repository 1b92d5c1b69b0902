package io.vstack.api.metrics;

/**
 * What kind of figure a {@link Metric} is; the four kinds of the Prometheus and OpenMetrics data model.
 */
public enum MetricType {
    /** A total that only grows while its source lives (operations, bytes, errors); its rate is what one plots. */
    COUNTER,
    /** A value that goes up and down (frames free, paths up, a state as a number, the last run's downtime). */
    GAUGE,
    /** Observations counted into buckets by upper bound, with their count and sum ({@link Distribution#buckets()}). */
    HISTOGRAM,
    /** Observations summarized by quantiles, with their count and sum ({@link Distribution#quantiles()}). */
    SUMMARY
}
