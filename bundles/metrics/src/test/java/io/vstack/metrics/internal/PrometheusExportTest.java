package io.vstack.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.metrics.Distribution;
import io.vstack.api.metrics.Metric;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusExportTest {

    private static String export(MetricsCollector collector) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusExport.write(collector.collect(), collector.failures(), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void countersGaugesAndHistogramsParseWithTheirLabelsAndBaseUnits() throws Exception {
        MetricsCollector collector = new MetricsCollector();
        Distribution latency = Distribution.histogram(List.of(new Distribution.Bucket(1e-6, 3), new Distribution.Bucket(2e-6, 5),
                new Distribution.Bucket(Double.POSITIVE_INFINITY, 6)), 9e-6);
        for (String disk : List.of("db1", "web \"2\"\\x")) {
            new FakeSource("disk/" + disk, Map.of("disk", disk, "host", "esx1"), () -> List.of(
                    Metric.counter("io.ops", "ops", 42, Map.of("op", "read")),
                    Metric.counter("io.ops", "ops", 7, Map.of("op", "write")),
                    Metric.counter("io.read.bytes", "bytes", 4096, Map.of()),
                    Metric.histogram("io.latency", "seconds", latency, Map.of("op", "read")))).addTo(collector, disk.length());
        }
        new FakeSource("migration", Map.of(), () -> List.of(new Metric("last.downtime", "ns", 2_500_000)))
                .addTo(collector, 100);

        Map<String, PrometheusTextParser.Family> families = PrometheusTextParser.parse(export(collector));

        PrometheusTextParser.Family ops = families.values().stream().filter(f -> f.name().startsWith("vstack_disk_io_ops"))
                .findFirst().orElseThrow();
        assertEquals("counter", ops.type());
        assertEquals(42, ops.value("vstack_disk_io_ops_total", Map.of("disk", "db1", "host", "esx1", "op", "read")));
        assertEquals(7, ops.value("vstack_disk_io_ops_total", Map.of("disk", "web \"2\"\\x", "host", "esx1", "op", "write")));
        PrometheusTextParser.Family bytes = families.values().stream()
                .filter(f -> f.name().startsWith("vstack_disk_io_read_bytes")).findFirst().orElseThrow();
        assertEquals(4096, bytes.value("vstack_disk_io_read_bytes_total", Map.of("disk", "db1", "host", "esx1")));

        PrometheusTextParser.Family hist = families.get("vstack_disk_io_latency_seconds");
        assertEquals("histogram", hist.type());
        Map<String, String> db1Read = Map.of("disk", "db1", "host", "esx1", "op", "read");
        assertEquals(6, hist.value("vstack_disk_io_latency_seconds_count", db1Read));
        assertEquals(9e-6, hist.value("vstack_disk_io_latency_seconds_sum", db1Read), 1e-15);
        assertEquals(5, bucket(hist, "db1", 2e-6));
        assertEquals(6, bucket(hist, "db1", Double.POSITIVE_INFINITY));

        PrometheusTextParser.Family downtime = families.get("vstack_migration_last_downtime_seconds");
        assertEquals("gauge", downtime.type());
        assertEquals(0.0025, downtime.value("vstack_migration_last_downtime_seconds", Map.of()), 1e-12);
        assertEquals(3, families.get("vstack_metrics_sources").value("vstack_metrics_sources", Map.of()));
    }

    private static double bucket(PrometheusTextParser.Family hist, String disk, double le) {
        return hist.samples(hist.name() + "_bucket", Map.of("disk", disk, "op", "read")).stream()
                .filter(s -> PrometheusTextParser.number(s.labels().get("le")) == le).findFirst().orElseThrow().value();
    }

    @Test
    void aSeriesTwiceOrATypeClashIsDroppedAndCountedAndAThrowingSourceIsLeftOut() throws Exception {
        MetricsCollector collector = new MetricsCollector();
        new FakeSource("cache", Map.of(), () -> List.of(Metric.counter("hits", "ops", 1, Map.of("cache", "c1")))).addTo(collector, 1);
        new FakeSource("cache/other", Map.of(), () -> List.of(Metric.counter("hits", "ops", 2, Map.of("cache", "c1")),
                Metric.gauge("hits", "ops", 3, Map.of("cache", "c2")))).addTo(collector, 2);
        new FakeSource("cache/broken", Map.of(), () -> {
            throw new IllegalStateException("gone-while-read");
        }).addTo(collector, 3);

        String text = export(collector);
        Map<String, PrometheusTextParser.Family> families = PrometheusTextParser.parse(text);
        PrometheusTextParser.Family hits = families.values().stream().filter(f -> f.name().startsWith("vstack_cache_hits"))
                .findFirst().orElseThrow();
        assertEquals(1, hits.samples().size());
        assertEquals(1, hits.value("vstack_cache_hits_total", Map.of("cache", "c1")));
        assertEquals(2, families.get("vstack_metrics_dropped_series").value("vstack_metrics_dropped_series", Map.of()));
        PrometheusTextParser.Family failures = families.values().stream()
                .filter(f -> f.name().startsWith("vstack_metrics_source_failures")).findFirst().orElseThrow();
        assertEquals(1, failures.samples().get(0).value());
        assertFalse(text.contains("gone-while-read"));
    }

    @Test
    void theParserRefusesWhatTheFormatForbids() {
        String twice = "# TYPE a counter\na_total 1\na_total 2\n";
        String decreasing = "# TYPE h histogram\nh_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 2\nh_count 2\nh_sum 1\n";
        String apart = "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n";
        for (String bad : List.of(twice, decreasing, apart, "# TYPE 1a gauge\n", "# TYPE a gauge\na{x=1} 1\n")) {
            boolean refused;
            try {
                PrometheusTextParser.parse(bad);
                refused = false;
            } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
                refused = true;
            }
            assertTrue(refused, bad);
        }
    }
}
