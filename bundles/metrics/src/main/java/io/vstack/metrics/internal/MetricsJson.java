package io.vstack.metrics.internal;

import io.vstack.api.metrics.Distribution;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON shape of figures, shared by {@code metrics:list --json}, {@code metrics:show --json} and the
 * dashboard's {@code /api/metrics}: maps and lists that Jackson writes. A histogram's buckets are
 * {@code {"le": bound, "count": cumulative}}, the last bound the string {@code "+Inf"} (JSON has no
 * infinity).
 */
public final class MetricsJson {

    private MetricsJson() {
    }

    /** One source with every figure. */
    public static Map<String, Object> source(SourceFigures figures) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("source", figures.source());
        result.put("kind", figures.kind());
        result.put("labels", figures.labels());
        List<Map<String, Object>> metrics = new ArrayList<>(figures.metrics().size());
        figures.metrics().forEach(m -> metrics.add(metric(m)));
        result.put("metrics", metrics);
        return result;
    }

    /** One source's name, labels and how many metrics it has. */
    public static Map<String, Object> summary(SourceFigures figures) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("source", figures.source());
        result.put("kind", figures.kind());
        result.put("labels", figures.labels());
        result.put("metrics", figures.metrics().size());
        return result;
    }

    /** One metric. */
    public static Map<String, Object> metric(Metric m) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("name", m.name());
        result.put("type", m.type().name().toLowerCase(Locale.ROOT));
        result.put("unit", m.unit());
        result.put("labels", m.labels());
        result.put("value", finite(m.value()));
        if (m.type() == MetricType.HISTOGRAM || m.type() == MetricType.SUMMARY) {
            Distribution d = m.distribution();
            result.put("count", d.count());
            result.put("sum", finite(d.sum()));
            if (m.type() == MetricType.HISTOGRAM) {
                List<Map<String, Object>> buckets = new ArrayList<>(d.buckets().size());
                for (Distribution.Bucket b : d.buckets()) {
                    Map<String, Object> bucket = new LinkedHashMap<>();
                    bucket.put("le", b.upperBound() == Double.POSITIVE_INFINITY ? "+Inf" : b.upperBound());
                    bucket.put("count", b.count());
                    buckets.add(bucket);
                }
                result.put("buckets", buckets);
                result.put("p50", finite(d.quantile(0.50)));
                result.put("p99", finite(d.quantile(0.99)));
            } else {
                List<Map<String, Object>> quantiles = new ArrayList<>(d.quantiles().size());
                for (Distribution.Quantile q : d.quantiles()) {
                    quantiles.add(Map.of("quantile", q.quantile(), "value", finite(q.value())));
                }
                result.put("quantiles", quantiles);
            }
        }
        return result;
    }

    /** JSON has no NaN or infinity: they become null. */
    private static Object finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
