package io.vstack.api.metrics;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One measured figure.
 * <p>The name says what is measured, never of what: the disk, host, filter, cache, VM or backend a
 * figure belongs to is a {@linkplain #labels() label} (names in {@link MetricLabels}), so that a
 * reader can compare the same figure across disks. The source's own labels
 * ({@link MetricSource#labels()}) apply to each of its metrics too.
 *
 * @param name         dotted name within its source, such as {@code memory.frames.free} or {@code io.ops}
 * @param unit         the unit: {@code bytes}, {@code seconds}, {@code ns}, {@code frames}, {@code ops},
 *                     {@code ratio}, {@code bool}...; readers convert {@code ns} to seconds where they
 *                     need base units
 * @param value        the value when the snapshot was taken; for a histogram or a summary the
 *                     number of observations
 * @param type         counter, gauge, histogram or summary
 * @param labels       the figure's labels, beyond its source's (sorted by name)
 * @param distribution a histogram's or summary's observations, {@link Distribution#NONE} otherwise
 */
public record Metric(String name, String unit, double value, MetricType type, Map<String, String> labels,
                     Distribution distribution) {

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /**
     * @throws NullPointerException     if a field, a label name or a label value is null
     * @throws IllegalArgumentException if a label name is not a valid label name, or a counter or
     *                                  gauge carries a distribution
     */
    public Metric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(distribution, "distribution");
        labels = checkedLabels(labels);
        if ((type == MetricType.COUNTER || type == MetricType.GAUGE) && !distribution.equals(Distribution.NONE)) {
            throw new IllegalArgumentException("a " + type + " carries no distribution: " + name);
        }
    }

    /** A gauge without labels: what sources that predate types and labels publish. */
    public Metric(String name, String unit, double value) {
        this(name, unit, value, MetricType.GAUGE, Map.of(), Distribution.NONE);
    }

    /** A counter: a total that only grows. */
    public static Metric counter(String name, String unit, double value, Map<String, String> labels) {
        return new Metric(name, unit, value, MetricType.COUNTER, labels, Distribution.NONE);
    }

    /** A gauge: a value that goes up and down. */
    public static Metric gauge(String name, String unit, double value, Map<String, String> labels) {
        return new Metric(name, unit, value, MetricType.GAUGE, labels, Distribution.NONE);
    }

    /** A histogram of observations in {@code unit}. */
    public static Metric histogram(String name, String unit, Distribution distribution, Map<String, String> labels) {
        return new Metric(name, unit, distribution.count(), MetricType.HISTOGRAM, labels, distribution);
    }

    /** A summary of observations in {@code unit}. */
    public static Metric summary(String name, String unit, Distribution distribution, Map<String, String> labels) {
        return new Metric(name, unit, distribution.count(), MetricType.SUMMARY, labels, distribution);
    }

    /** This metric with {@code extra} labels added (a label already present keeps its value). */
    public Metric withLabels(Map<String, String> extra) {
        if (extra.isEmpty()) {
            return this;
        }
        Map<String, String> merged = new TreeMap<>(extra);
        merged.putAll(labels);
        return new Metric(name, unit, value, type, merged, distribution);
    }

    private static Map<String, String> checkedLabels(Map<String, String> labels) {
        Objects.requireNonNull(labels, "labels");
        TreeMap<String, String> sorted = new TreeMap<>();
        labels.forEach((k, v) -> {
            Objects.requireNonNull(k, "label name");
            Objects.requireNonNull(v, "value of label " + k);
            if (!LABEL_NAME.matcher(k).matches() || k.startsWith("__")) {
                throw new IllegalArgumentException("not a label name: " + k);
            }
            sorted.put(k, v);
        });
        return java.util.Collections.unmodifiableMap(sorted);
    }
}
