package io.vstack.disks.internal;

import io.vstack.support.ConfigGuard;
import io.vstack.support.ConfigKeys;
import io.vstack.api.Durations;
import io.vstack.api.disk.DiskManager;
import io.vstack.api.filter.FilterFramework;
import io.vstack.api.disk.DiskListener;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.hw.Host;
import io.vstack.api.metrics.MetricSource;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.transport.ProtocolHandler;
import io.vstack.api.transport.Transport;
import io.vstack.support.KarafData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OSGi face of {@link DiskService}, which it composes: it loads the inventory on its own
 * start-up thread ({@code vstack-disks-start}, off {@code @Activate}: reading every metadata
 * file and replaying journals blocks on the file system), then registers the service as
 * {@link DiskManager} and {@link DiskAdmin}, one {@link FilterFramework} service per {@link Host}
 * service, a {@link MetricSource} per disk, and starts the watchdog thread. The whiteboards of
 * storage backends, disk listeners, filter factories and hosts are kept here while the service
 * loads and handed to it once it is there; so is the {@link Transport}, when there is one, on which
 * linked storage serves redirects as protocol {@value Links#PROTOCOL}.
 */
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"io.vstack.api.disk.DiskManager,"
        + "io.vstack.disks.internal.DiskAdmin\"", uses = DiskManager.class)
@Component(service = {}, immediate = true, configurationPid = DisksComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = DisksComponent.Config.class)
public final class DisksComponent {

    static final String PID = "io.vstack.disks";

    /** The disks bundle's configuration. */
    @ObjectClassDefinition(id = PID, name = "vstack virtual disks",
            description = "Virtual disk metadata and the per-host I/O filter frameworks")
    public @interface Config {
        @AttributeDefinition(description = "Directory of the disk metadata files; empty means ${karaf.data}/vstack/disks")
        String directory() default "";

        @AttributeDefinition(description = "A filter that holds one request longer than this is timed out: the request "
                + "fails, the filter is asked to let go (a WARN in the log, once, and filter:list); also how long I/O "
                + "waits for a missing filter whose onMissing is hold, e.g. 30s")
        String filterTimeout() default "30s";

        @AttributeDefinition(description = "How long a disk's owner is presumed alive without renewing its owner record; "
                + "past it, a host that cannot reach the owner may take the disk over (collaborative release), e.g. 10s")
        String ownerLease() default "10s";
    }

    /**
     * The component's settings, parsed from its configuration.
     *
     * @param directory     the disk metadata files
     * @param filterTimeout how long a filter may hold one request before it is reported
     */
    record Settings(Path directory, Duration filterTimeout) {

        /** Parses a configuration; {@code dataRoot} holds the default directory. */
        static Settings parse(Config config, Path dataRoot) {
            return new Settings(ConfigKeys.writableDirectory(PID, "directory",
                    ConfigKeys.dataDirectory(config.directory(), dataRoot, "vstack", "disks")),
                    timeout(config.filterTimeout()));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(DisksComponent.class);

    private final ConfigGuard<Config, Settings> settings;
    private final BundleContext context;
    private final ExecutorService starter;
    private final ScheduledExecutorService watchdog;
    private final CompletableFuture<DiskService> started = new CompletableFuture<>();
    private final Map<Host, ServiceRegistration<FilterFramework>> frameworks = new ConcurrentHashMap<>();
    /** What came by whiteboard before the service was loaded; guarded by this. */
    private final Map<StorageBackend, String> backends = new LinkedHashMap<>();
    private final Set<DiskListener> listeners = new java.util.LinkedHashSet<>();
    private final Set<IoFilterFactory> factories = new java.util.LinkedHashSet<>();
    private final Set<Host> hosts = new java.util.LinkedHashSet<>();
    /** The loaded service, null until then; guarded by this. */
    private DiskService service;
    private ServiceRegistration<?> registration;
    private boolean stopped;
    private Transport transport;
    /** Linked storage served on the transport (protocol {@value Links#PROTOCOL}) while there is one; guarded by this. */
    private ServiceRegistration<ProtocolHandler> linkHandler;

    /** Starts loading the inventory on the start-up thread; with the defaults if the configuration is refused. */
    @Activate
    public DisksComponent(BundleContext context, Config config) {
        this(context, config, KarafData.of(context));
    }

    /** As the component does; {@code dataRoot} holds the default directory. */
    DisksComponent(BundleContext context, Config config, Path dataRoot) {
        this.settings = ConfigGuard.start(config, ConfigGuard.defaults(Config.class), c -> Settings.parse(c, dataRoot));
        this.context = context;
        this.starter = Executors.newSingleThreadExecutor(r -> new Thread(r, "vstack-disks-start"));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "vstack-disks-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        starter.execute(this::load);
        starter.shutdown();
    }

    private void load() {
        try {
            Settings s = settings.current();
            DiskService loaded = new DiskService(s.directory(), s.filterTimeout(), disk -> publish(context, disk));
            List<Host> present;
            Transport on;
            // In-memory hand-over only under the lock: no service is registered while it is held, so
            // no Declarative Services event can wait on it (binds take it).
            synchronized (this) {
                if (stopped) {
                    loaded.close();
                    return;
                }
                backends.forEach((backend, type) -> loaded.backendAdded(type, backend));
                listeners.forEach(loaded::listenerAdded);
                factories.forEach(loaded::factoryAdded);
                hosts.forEach(loaded::hostAdded);
                present = List.copyOf(hosts);
                on = transport;
                service = loaded;
            }
            if (context != null) {
                ServiceRegistration<?> r = context.registerService(new String[] {DiskManager.class.getName(),
                        DiskAdmin.class.getName()}, loaded, null);
                synchronized (this) {
                    if (stopped) {
                        unregister(r);
                        return;
                    }
                    registration = r;
                }
            }
            // After the DiskManager: whoever sees a host's framework finds the disk manager (and its commands) too.
            present.forEach(host -> publishFramework(loaded, host));
            if (on != null) {
                serveLinks(loaded, on);
            }
            // Short enough that a held request fails at most ~2 periods after filterTimeout; a scan is cheap.
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(TimeUnit.MILLISECONDS.toNanos(20),
                    s.filterTimeout().toNanos() / 4));
            watchdog.scheduleWithFixedDelay(() -> scan(loaded), period, period, TimeUnit.NANOSECONDS);
            LOG.info("Virtual disks ready (filterTimeout {})", Durations.format(s.filterTimeout()));
            started.complete(loaded);
        } catch (RuntimeException e) {
            LOG.error("Virtual disks cannot start: {}", e.getMessage(), e);
            started.completeExceptionally(e);
        }
    }

    /** The service once it is loaded (for tests). */
    CompletableFuture<DiskService> started() {
        return started;
    }

    /**
     * Checks a changed configuration: a bad value is refused with one log line and changes
     * nothing, so no disk goes away; a good one applies at the next start.
     */
    @Modified
    void modified(Config config) {
        settings.update(config, (previous, next) -> {
            ConfigKeys.requireUnchanged(PID, "directory", previous.directory(), next.directory());
            ConfigKeys.requireUnchanged(PID, "filterTimeout", Durations.format(previous.filterTimeout()),
                    Durations.format(next.filterTimeout()));
        });
    }

    /** The settings in force. */
    Settings settings() {
        return settings.current();
    }

    private static void scan(DiskService service) {
        try {
            service.scanHeld(System.nanoTime());
        } catch (RuntimeException e) {
            LOG.warn("Watchdog scan failed: {}", e.toString(), e);
        }
    }

    private static Duration timeout(String text) {
        Duration timeout = ConfigKeys.duration(PID, "filterTimeout", text);
        if (timeout.isZero()) {
            throw new IllegalArgumentException(PID + ": key 'filterTimeout': must be more than 0");
        }
        return timeout;
    }

    private static Runnable publish(BundleContext context, MetricSource disk) {
        if (context == null) {
            return () -> { };
        }
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(MetricSource.SOURCE_PROPERTY, disk.source());
        ServiceRegistration<MetricSource> registration = context.registerService(MetricSource.class, disk, properties);
        return () -> unregister(registration);
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            LOG.debug("service already unregistered", alreadyGone);
        }
    }

    @Reference(name = "backend", service = StorageBackend.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindBackend")
    synchronized void bindBackend(StorageBackend backend, Map<String, Object> properties) {
        String type = type(backend, properties);
        backends.put(backend, type);
        if (service != null) {
            service.backendAdded(type, backend);
        }
    }

    synchronized void unbindBackend(StorageBackend backend, Map<String, Object> properties) {
        backends.remove(backend);
        if (service != null) {
            service.backendRemoved(type(backend, properties), backend);
        }
    }

    private static String type(StorageBackend backend, Map<String, Object> properties) {
        Object type = properties.get(StorageBackend.TYPE_PROPERTY);
        return type != null ? type.toString() : backend.type().id();
    }

    @Reference(name = "listener", service = DiskListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindListener")
    synchronized void bindListener(DiskListener listener) {
        listeners.add(listener);
        if (service != null) {
            service.listenerAdded(listener);
        }
    }

    synchronized void unbindListener(DiskListener listener) {
        listeners.remove(listener);
        if (service != null) {
            service.listenerRemoved(listener);
        }
    }

    @Reference(name = "filterFactory", service = IoFilterFactory.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindFilterFactory")
    synchronized void bindFilterFactory(IoFilterFactory factory) {
        factories.add(factory);
        if (service != null) {
            service.factoryAdded(factory);
        }
    }

    synchronized void unbindFilterFactory(IoFilterFactory factory) {
        factories.remove(factory);
        if (service != null) {
            service.factoryRemoved(factory);
        }
    }

    @Reference(name = "transport", service = Transport.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindTransport")
    void bindTransport(Transport bound) {
        DiskService s;
        synchronized (this) {
            transport = bound;
            s = service;
        }
        if (s != null) {
            serveLinks(s, bound);
        }
    }

    /** Gives linked storage the transport and serves its protocol on it (the registration with no lock held). */
    private void serveLinks(DiskService to, Transport on) {
        to.links().transport(on);
        if (context == null) {
            return;
        }
        synchronized (this) {
            if (linkHandler != null || stopped) {
                return;
            }
        }
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(ProtocolHandler.PROTOCOL_PROPERTY, Links.PROTOCOL);
        ServiceRegistration<ProtocolHandler> r = context.registerService(ProtocolHandler.class, to.links(), properties);
        boolean keep;
        synchronized (this) {
            keep = linkHandler == null && !stopped;
            if (keep) {
                linkHandler = r;
            }
        }
        if (!keep) {
            unregister(r);
        }
    }

    void unbindTransport(Transport unbound) {
        ServiceRegistration<ProtocolHandler> r = null;
        synchronized (this) {
            if (transport == unbound) {
                transport = null;
            }
            if (service != null && service.links().transportRemoved(unbound)) {
                r = linkHandler;
                linkHandler = null;
            }
        }
        if (r != null) {
            unregister(r);
        }
    }

    @Reference(name = "host", service = Host.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindHost")
    void bindHost(Host host) {
        DiskService s;
        synchronized (this) {
            hosts.add(host);
            s = service;
            if (s != null) {
                s.hostAdded(host);
            }
        }
        if (s != null) {
            publishFramework(s, host);
        }
    }

    /** Registers the host's filter framework (no lock held: a registration calls out to the framework). */
    private void publishFramework(DiskService to, Host host) {
        if (context == null || frameworks.containsKey(host)) {
            return;
        }
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(Host.NAME_PROPERTY, host.name());
        ServiceRegistration<FilterFramework> registration =
                context.registerService(FilterFramework.class, new HostFilterFramework(to, host.name()), properties);
        boolean keep;
        synchronized (this) {
            keep = hosts.contains(host) && !stopped && frameworks.putIfAbsent(host, registration) == null;
        }
        if (!keep) {
            unregister(registration);
        }
    }

    void unbindHost(Host host) {
        synchronized (this) {
            hosts.remove(host);
            if (service != null) {
                service.hostRemoved(host);
            }
        }
        ServiceRegistration<FilterFramework> registration = frameworks.remove(host);
        if (registration != null) {
            unregister(registration);
        }
    }

    @Deactivate
    void deactivate() {
        try {
            starter.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        DiskService s;
        ServiceRegistration<?> r;
        ServiceRegistration<?> links;
        synchronized (this) {
            stopped = true;
            s = service;
            service = null;
            r = registration;
            registration = null;
            links = linkHandler;
            linkHandler = null;
        }
        if (links != null) {
            unregister(links);
        }
        if (r != null) {
            unregister(r);
        }
        watchdog.shutdownNow();
        frameworks.values().forEach(DisksComponent::unregister);
        frameworks.clear();
        if (s != null) {
            s.close();
        }
        LOG.info("Virtual disks stopped");
    }
}
