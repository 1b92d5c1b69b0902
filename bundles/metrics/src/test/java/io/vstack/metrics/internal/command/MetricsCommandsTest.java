package io.vstack.metrics.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vstack.api.metrics.Distribution;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricSource;
import io.vstack.metrics.internal.MetricsCollector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsCommandsTest {

    private final MetricsCollector collector = new MetricsCollector();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    MetricsCommandsTest() {
        Distribution latency = Distribution.histogram(List.of(new Distribution.Bucket(1e-6, 10),
                new Distribution.Bucket(1e-3, 20), new Distribution.Bucket(Double.POSITIVE_INFINITY, 20)), 0.01);
        MetricSource disk = new MetricSource() {
            @Override
            public String source() {
                return "disk/db1";
            }

            @Override
            public Map<String, String> labels() {
                return Map.of("disk", "db1");
            }

            @Override
            public List<Metric> snapshot() {
                return List.of(Metric.counter("io.ops", "ops", 20, Map.of("op", "read")),
                        Metric.histogram("io.latency", "seconds", latency, Map.of("op", "read")));
            }
        };
        collector.addSource(disk, Map.of(MetricSource.SOURCE_PROPERTY, "disk/db1", "service.id", 1L));
    }

    /** The output with the table's padding around each tab taken away. */
    private String out() {
        return bytes.toString(StandardCharsets.UTF_8).replaceAll(" *\t *", "\t");
    }

    @Test
    void listNamesEachSourceWithItsLabelsInATableOrJson() throws Exception {
        MetricsListCommand list = new MetricsListCommand();
        list.collector = collector;
        list.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        list.noFormat = true;
        list.execute();
        assertTrue(out().contains("disk/db1\tdisk\tdisk=db1\t2"), out());
        bytes.reset();
        list.json = true;
        list.execute();
        JsonNode json = new ObjectMapper().readTree(out());
        assertEquals("db1", json.get(0).get("labels").get("disk").asText());
        assertEquals(2, json.get(0).get("metrics").asInt());
    }

    @Test
    void showGivesEachFigureAndHistogramsWithQuantiles() throws Exception {
        MetricsShowCommand show = new MetricsShowCommand();
        show.collector = collector;
        show.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        show.source = "disk/db1";
        show.noFormat = true;
        show.execute();
        assertTrue(out().contains("io.ops\tcounter\tops\top=read\t20"), out());
        assertTrue(out().contains("io.latency\thistogram\tseconds\top=read\tn=20 p50=1.0us p99=980.0us"), out());
        bytes.reset();
        show.json = true;
        show.execute();
        JsonNode latency = new ObjectMapper().readTree(out()).get("metrics").get(1);
        assertEquals("+Inf", latency.get("buckets").get(2).get("le").asText());
        assertEquals(20, latency.get("count").asLong());
    }

    @Test
    void anUnknownSourceIsOneLineQuotingIt() {
        MetricsShowCommand show = new MetricsShowCommand();
        show.collector = collector;
        show.source = "disk/nope\u001b";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, show::execute);
        assertEquals("no metric source named 'disk/nope\\u001b' (metrics:list shows them)", e.getMessage());
    }
}
