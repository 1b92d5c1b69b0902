package io.vstack.metrics.internal;

import com.sun.net.httpserver.HttpServer;
import io.vstack.support.ConfigGuard;
import io.vstack.support.ConfigKeys;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics HTTP server (the JDK's {@code com.sun.net.httpserver}): {@code /metrics} in the
 * Prometheus text format, and the dashboard ({@link HttpRoutes}), on 127.0.0.1 by default.
 * <p>It binds on its own control thread, not in the activation; a port that is taken is one ERROR
 * line naming the address and the key to change, and the component stays up (the commands work)
 * without a server until the configuration changes. Requests run on two named threads with a
 * bounded queue.
 */
@Component(service = MetricsHttpServer.class, immediate = true, configurationPid = MetricsHttpServer.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = MetricsHttpServer.Config.class)
public final class MetricsHttpServer {

    /** The configuration PID. */
    public static final String PID = "io.vstack.metrics";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpServer.class);
    private static final int REQUEST_THREADS = 2;
    private static final int REQUEST_QUEUE = 64;

    /** The metrics endpoint's configuration. */
    @ObjectClassDefinition(name = "vstack metrics", description = "The Prometheus endpoint /metrics and the dashboard")
    public @interface Config {

        /** Whether the HTTP server runs. */
        @AttributeDefinition(description = "Serve /metrics and the dashboard over HTTP")
        boolean enabled() default true;

        /** Address the server binds to. */
        @AttributeDefinition(description = "Address the HTTP server binds to (loopback by default; see docs/SECURITY.md)")
        String bindAddress() default "127.0.0.1";

        /** TCP port; 0 for an ephemeral one. */
        @AttributeDefinition(description = "TCP port of /metrics and the dashboard (0: any free port)")
        String port() default "9464";
    }

    /** The checked configuration. */
    record Settings(boolean enabled, InetAddress bindAddress, int port) {

        static Settings parse(Config c) {
            return new Settings(c.enabled(), ConfigKeys.parse(PID, "bindAddress", () -> address(c.bindAddress())),
                    ConfigKeys.wholeNumber(PID, "port", c.port(), 0, 65535));
        }

        private static InetAddress address(String text) {
            try {
                return InetAddress.getByName(text.trim());
            } catch (IOException e) {
                throw new IllegalArgumentException("'" + text + "' is not an address", e);
            }
        }
    }

    private final ConfigGuard<Config, Settings> settings;
    private final HttpRoutes routes;
    /** Binds, rebinds and stops the server: one thread, so these never overlap. */
    private final ExecutorService control;
    private final ThreadPoolExecutor requests;
    /** Confined to the control thread. */
    private HttpServer server;
    private volatile InetSocketAddress address;

    @Activate
    public MetricsHttpServer(Config config, @Reference MetricsCollector collector) {
        this(ConfigGuard.start(config, ConfigGuard.defaults(Config.class), Settings::parse), new HttpRoutes(collector));
    }

    /** Without Config Admin: for tests and benchmarks. */
    MetricsHttpServer(Settings settings, MetricsCollector collector) {
        this(ConfigGuard.of(settings, Settings::parse), new HttpRoutes(collector));
    }

    private MetricsHttpServer(ConfigGuard<Config, Settings> settings, HttpRoutes routes) {
        this.settings = settings;
        this.routes = routes;
        this.control = Executors.newSingleThreadExecutor(r -> new Thread(r, "vstack-metrics-http-control"));
        AtomicInteger n = new AtomicInteger();
        this.requests = new ThreadPoolExecutor(REQUEST_THREADS, REQUEST_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(REQUEST_QUEUE), r -> new Thread(r, "vstack-metrics-http-" + n.incrementAndGet()));
        control.execute(() -> bind(settings.current()));
    }

    /** Applies a changed configuration: the server moves to the new address or port, or stops. */
    @Modified
    void modified(Config config) {
        settings.update(config, (previous, next) -> control.execute(() -> {
            unbind();
            bind(next);
        }));
    }

    @Deactivate
    void deactivate() {
        control.execute(this::unbind);
        control.shutdown();
        try {
            if (!control.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("the metrics HTTP server did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        requests.shutdownNow();
    }

    /** The address the server listens on, once bound; empty if it is not (disabled, or its port is taken). */
    public Optional<InetSocketAddress> address() {
        return Optional.ofNullable(address);
    }

    /** Waits until the control thread has done what was asked of it so far (tests). */
    void awaitControl() throws Exception {
        control.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    private void bind(Settings s) {
        if (!s.enabled()) {
            LOG.info("Metrics HTTP server disabled ({}: enabled = false)", PID);
            return;
        }
        InetSocketAddress wanted = new InetSocketAddress(s.bindAddress(), s.port());
        try {
            HttpServer created = HttpServer.create(wanted, 16);
            created.createContext("/", routes);
            created.setExecutor(requests);
            created.start();
            server = created;
            address = created.getAddress();
            LOG.info("Metrics on http://{}:{}/metrics, dashboard on http://{}:{}/", address.getHostString(), address.getPort(),
                    address.getHostString(), address.getPort());
        } catch (BindException e) {
            LOG.error("{}: cannot listen on {}:{}: {} (the port is taken? set port in etc/{}.cfg); no /metrics until then",
                    PID, s.bindAddress().getHostAddress(), s.port(), e.getMessage(), PID);
        } catch (IOException | RuntimeException e) {
            LOG.error("{}: cannot listen on {}:{}: {}; no /metrics until the configuration changes",
                    PID, s.bindAddress().getHostAddress(), s.port(), e.toString());
        }
    }

    private void unbind() {
        if (server != null) {
            server.stop(0);
            server = null;
            address = null;
            LOG.info("Metrics HTTP server stopped");
        }
    }
}
