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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * The OSGi face of {@link DiskService}: the {@link DiskManager} service, one
 * {@link FilterFramework} service per {@link Host} service, a {@link MetricSource} per disk, the
 * whiteboards of storage backends and filter factories, the watchdog thread, and linked storage
 * (redirects served on the {@link Transport}, when there is one, as protocol {@value Links#PROTOCOL}).
 */
@Component(service = {DiskManager.class, DiskAdmin.class}, immediate = true, configurationPid = DisksComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = DisksComponent.Config.class)
public final class DisksComponent extends DiskService {

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
    private final ScheduledExecutorService watchdog;
    private final Map<Host, ServiceRegistration<FilterFramework>> frameworks = new ConcurrentHashMap<>();
    /** Linked storage served on the transport (protocol {@value Links#PROTOCOL}) while there is one. */
    private ServiceRegistration<ProtocolHandler> linkHandler;

    /** Loads the inventory and starts the watchdog; with the defaults if the configuration is refused. */
    @Activate
    public DisksComponent(BundleContext context, Config config) {
        this(context, config, KarafData.of(context));
    }

    /** As the component does; {@code dataRoot} holds the default directory. */
    DisksComponent(BundleContext context, Config config, Path dataRoot) {
        this(context, ConfigGuard.start(config, ConfigGuard.defaults(Config.class), c -> Settings.parse(c, dataRoot)));
    }

    private DisksComponent(BundleContext context, ConfigGuard<Config, Settings> settings) {
        super(settings.current().directory(), settings.current().filterTimeout(), disk -> publish(context, disk));
        this.settings = settings;
        this.context = context;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "vstack-disks-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        // Short enough that a held request fails at most ~2 periods after filterTimeout; a scan is cheap.
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(TimeUnit.MILLISECONDS.toNanos(20),
                filterTimeout().toNanos() / 4));
        watchdog.scheduleWithFixedDelay(this::scan, period, period, TimeUnit.NANOSECONDS);
        LOG.info("Virtual disks ready (filterTimeout {})", Durations.format(filterTimeout()));
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

    private void scan() {
        try {
            scanHeld(System.nanoTime());
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
    void bindBackend(StorageBackend backend, Map<String, Object> properties) {
        backendAdded(type(backend, properties), backend);
    }

    void unbindBackend(StorageBackend backend, Map<String, Object> properties) {
        backendRemoved(type(backend, properties), backend);
    }

    private static String type(StorageBackend backend, Map<String, Object> properties) {
        Object type = properties.get(StorageBackend.TYPE_PROPERTY);
        return type != null ? type.toString() : backend.type().id();
    }

    @Reference(name = "listener", service = DiskListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindListener")
    void bindListener(DiskListener listener) {
        listenerAdded(listener);
    }

    void unbindListener(DiskListener listener) {
        listenerRemoved(listener);
    }

    @Reference(name = "filterFactory", service = IoFilterFactory.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindFilterFactory")
    void bindFilterFactory(IoFilterFactory factory) {
        factoryAdded(factory);
    }

    void unbindFilterFactory(IoFilterFactory factory) {
        factoryRemoved(factory);
    }

    @Reference(name = "transport", service = Transport.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindTransport")
    synchronized void bindTransport(Transport transport) {
        links().transport(transport);
        if (linkHandler == null) {
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put(ProtocolHandler.PROTOCOL_PROPERTY, Links.PROTOCOL);
            linkHandler = context.registerService(ProtocolHandler.class, links(), properties);
        }
    }

    synchronized void unbindTransport(Transport transport) {
        if (links().transportRemoved(transport) && linkHandler != null) {
            unregister(linkHandler);
            linkHandler = null;
        }
    }

    @Reference(name = "host", service = Host.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindHost")
    void bindHost(Host host) {
        hostAdded(host);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(Host.NAME_PROPERTY, host.name());
        ServiceRegistration<FilterFramework> old = frameworks.put(host,
                context.registerService(FilterFramework.class, new HostFilterFramework(this, host.name()), properties));
        if (old != null) {
            unregister(old);
        }
    }

    void unbindHost(Host host) {
        hostRemoved(host);
        ServiceRegistration<FilterFramework> registration = frameworks.remove(host);
        if (registration != null) {
            unregister(registration);
        }
    }

    @Deactivate
    void deactivate() {
        watchdog.shutdownNow();
        synchronized (this) {
            if (linkHandler != null) {
                unregister(linkHandler);
                linkHandler = null;
            }
        }
        frameworks.values().forEach(DisksComponent::unregister);
        frameworks.clear();
        close();
        LOG.info("Virtual disks stopped");
    }
}
