package io.vstack.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vstack.api.metrics.Metric;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsHttpServerTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private MetricsHttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    private InetSocketAddress start(MetricsCollector collector, int port) throws Exception {
        server = new MetricsHttpServer(new MetricsHttpServer.Settings(true, InetAddress.getLoopbackAddress(), port), collector);
        server.awaitControl();
        return server.address().orElse(null);
    }

    private HttpResponse<String> get(InetSocketAddress at, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheExpositionOnLoopbackAndJsonAnd404ForTheRest() throws Exception {
        MetricsCollector collector = new MetricsCollector();
        new FakeSource("host/esx1", Map.of("host", "esx1"), () -> List.of(Metric.gauge("memory.frames.free", "frames", 12, Map.of())))
                .addTo(collector, 1);
        InetSocketAddress at = start(collector, 0);
        assertTrue(at.getAddress().isLoopbackAddress());

        HttpResponse<String> metrics = get(at, "/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        assertEquals(12, PrometheusTextParser.parse(metrics.body()).get("vstack_host_memory_frames_free")
                .value("vstack_host_memory_frames_free", Map.of("host", "esx1")));

        JsonNode json = new ObjectMapper().readTree(get(at, "/api/metrics").body());
        assertEquals("host/esx1", json.get(0).get("source").asText());
        assertEquals("gauge", json.get(0).get("metrics").get(0).get("type").asText());

        HttpResponse<String> missing = get(at, "/no/such/page");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("No such page"));
        assertFalse(missing.body().contains("Exception"));
        HttpResponse<String> disks = get(at, "/disks");
        assertEquals(200, disks.statusCode());
        assertTrue(disks.body().contains("<script src=\"/dashboard.js\""));
        assertTrue(disks.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'self'"));
        HttpResponse<String> script = get(at, "/dashboard.js");
        assertTrue(script.headers().firstValue("Content-Type").orElseThrow().startsWith("text/javascript"));
        assertTrue(script.body().contains("/api/metrics"));
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void aScrapeWhileASourceGoesAwayAnswersWithoutIt() throws Exception {
        MetricsCollector collector = new MetricsCollector();
        AtomicBoolean stopping = new AtomicBoolean();
        new FakeSource("disk/db1", Map.of("disk", "db1"), () -> {
            if (stopping.get()) {
                throw new IllegalStateException("gone-while-read");
            }
            return List.of(Metric.counter("io.ops", "ops", 5, Map.of("op", "read")));
        }).addTo(collector, 1);
        InetSocketAddress at = start(collector, 0);
        assertTrue(get(at, "/metrics").body().contains("vstack_disk_io_ops_total{disk=\"db1\",op=\"read\"} 5"));
        stopping.set(true);
        HttpResponse<String> during = get(at, "/metrics");
        assertEquals(200, during.statusCode());
        assertFalse(during.body().contains("vstack_disk_io_ops_total{"));
        assertFalse(during.body().contains("gone-while-read"));
        PrometheusTextParser.parse(during.body());
    }

    @Test
    void aTakenPortLeavesTheComponentUpWithoutAServer() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            MetricsCollector collector = new MetricsCollector();
            assertEquals(null, start(collector, taken.getLocalPort()));
            assertTrue(collector.names().isEmpty());
        }
    }
}
