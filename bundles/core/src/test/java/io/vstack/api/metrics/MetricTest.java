package io.vstack.api.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricTest {

    @Test
    void theOldConstructorMakesAnUnlabelledGauge() {
        Metric m = new Metric("memory.frames.free", "frames", 12);
        assertEquals(MetricType.GAUGE, m.type());
        assertEquals(Map.of(), m.labels());
        assertEquals(Distribution.NONE, m.distribution());
    }

    @Test
    void sourceLabelsAddToAMetricsOwnWhichWin() {
        Metric m = Metric.counter("io.ops", "ops", 3, Map.of("op", "read", "disk", "mine"));
        Metric merged = m.withLabels(Map.of("disk", "db1", "host", "esx1"));
        assertEquals(Map.of("op", "read", "disk", "mine", "host", "esx1"), merged.labels());
        assertEquals(List.of("disk", "host", "op"), List.copyOf(merged.labels().keySet()));
    }

    @Test
    void refusesBadLabelNamesAndADistributionOnACounter() {
        assertThrows(IllegalArgumentException.class, () -> Metric.gauge("x", "ops", 1, Map.of("disk-id", "a")));
        assertThrows(IllegalArgumentException.class, () -> Metric.gauge("x", "ops", 1, Map.of("__name__", "a")));
        Distribution d = Distribution.histogram(List.of(new Distribution.Bucket(Double.POSITIVE_INFINITY, 1)), 2);
        assertThrows(IllegalArgumentException.class, () -> new Metric("x", "s", 1, MetricType.COUNTER, Map.of(), d));
    }

    @Test
    void histogramBucketsMustBeCumulativeAndEndAtInfinity() {
        assertThrows(IllegalArgumentException.class, () -> Distribution.histogram(
                List.of(new Distribution.Bucket(1, 5), new Distribution.Bucket(Double.POSITIVE_INFINITY, 4)), 0));
        assertThrows(IllegalArgumentException.class, () -> Distribution.histogram(List.of(new Distribution.Bucket(1, 5)), 0));
        assertThrows(IllegalArgumentException.class, () -> new Distribution.Quantile(1.5, 0));
    }

    @Test
    void quantilesInterpolateInsideTheBucketThatHoldsThem() {
        // 10 observations in (0, 1], 10 in (1, 2], none above.
        Distribution d = Distribution.histogram(List.of(new Distribution.Bucket(1, 10), new Distribution.Bucket(2, 20),
                new Distribution.Bucket(Double.POSITIVE_INFINITY, 20)), 25);
        assertEquals(1.0, d.quantile(0.5), 1e-9);
        assertEquals(1.98, d.quantile(0.99), 1e-9);
        assertEquals(0.5, d.quantile(0.25), 1e-9);
        assertTrue(Double.isNaN(Distribution.histogram(List.of(), 0).quantile(0.5)));
    }
}
