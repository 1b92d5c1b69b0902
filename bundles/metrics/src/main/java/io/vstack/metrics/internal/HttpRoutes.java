package io.vstack.metrics.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the metrics HTTP server answers: {@code GET /metrics} (Prometheus text format),
 * {@code GET /api/metrics} (every source as JSON, {@link MetricsJson}), and the dashboard: its pages
 * ({@code /}, {@code /hosts}, {@code /disks}, {@code /caches}, {@code /migrations}, {@code /trust},
 * one HTML shell whose script draws the page) and their script and style sheet, plain files of
 * this bundle. Anything else is a 404 page;
 * a method other than GET or HEAD is a 405. A reply is built whole before it is sent, so a failure
 * while reading the figures is a short 503 text, never a stack trace or half an exposition.
 */
final class HttpRoutes implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRoutes.class);
    private static final ObjectWriter JSON = new ObjectMapper().writer();
    static final String TEXT = "text/plain; charset=utf-8";

    private static final String HTML = "text/html; charset=utf-8";
    private static final Set<String> PAGES = Set.of("/", "/hosts", "/disks", "/caches", "/migrations", "/trust");
    /** No script, style or image from anywhere else; the legends' colours are inline styles. */
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'";

    private final MetricsCollector collector;
    private final byte[] page;
    private final byte[] notFound;
    private final byte[] script;
    private final byte[] style;

    HttpRoutes(MetricsCollector collector) {
        this.collector = collector;
        this.page = resource("index.html");
        this.notFound = resource("not-found.html");
        this.script = resource("dashboard.js");
        this.style = resource("dashboard.css");
    }

    /** A file of the dashboard, read once. */
    private static byte[] resource(String name) {
        try (InputStream in = HttpRoutes.class.getResourceAsStream("/io/vstack/metrics/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the metrics bundle lacks its dashboard file " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard file " + name, e);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, TEXT, "method not allowed\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            Reply reply;
            try {
                reply = reply(exchange.getRequestURI().getPath());
            } catch (IOException | RuntimeException | LinkageError e) {
                LOG.debug("a request for {} failed", exchange.getRequestURI().getPath(), e);
                reply = new Reply(503, TEXT, "figures unavailable, retry\n".getBytes(StandardCharsets.UTF_8));
            }
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            send(exchange, reply.status(), reply.contentType(), reply.body());
        }
    }

    /** A whole reply. */
    record Reply(int status, String contentType, byte[] body) {
    }

    /** The reply to a GET of {@code path}. */
    Reply reply(String path) throws IOException {
        switch (path) {
            case "/metrics": {
                List<SourceFigures> figures = collector.collect();
                ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
                PrometheusExport.write(figures, collector.failures(), body);
                return new Reply(200, PrometheusExport.CONTENT_TYPE, body.toByteArray());
            }
            case "/api/metrics":
                return new Reply(200, "application/json",
                        JSON.writeValueAsBytes(collector.collect().stream().map(MetricsJson::source).toList()));
            case "/dashboard.js":
                return new Reply(200, "text/javascript; charset=utf-8", script);
            case "/dashboard.css":
                return new Reply(200, "text/css; charset=utf-8", style);
            default:
                return PAGES.contains(path) ? new Reply(200, HTML, page) : new Reply(404, HTML, notFound);
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
