package io.vstack.metrics.internal;

import io.vstack.api.metrics.MetricSource;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanRegistrationException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.NotCompliantMBeanException;
import javax.management.ObjectName;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link MetricSource} service as a JMX MBean of the platform MBean server (the one Karaf's
 * {@code management} feature serves over its JMX connector, and a local jconsole attaches to):
 * source {@code disk/db1} is {@code io.vstack:type=disk,name=db1}, source {@code cache} is
 * {@code io.vstack:type=cache,name=cache} (the kind up to the first {@code /}, the rest as the
 * name). Registered when the source appears, unregistered when it goes; its attributes are read
 * from the source at each access ({@link SourceMBean}).
 * <p>When two services name the same source (one replacing the other), the newer one is the
 * MBean; when it goes, the other takes its place. Thread-safe (the framework binds on its own threads).
 */
@Component(service = MetricsMBeans.class, immediate = true)
public final class MetricsMBeans {

    /** The JMX domain of vstack's MBeans. */
    public static final String DOMAIN = "io.vstack";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsMBeans.class);

    private record Entry(String name, MetricSource source, ObjectName objectName) {
    }

    private final MBeanServer server;
    /** Every source by its service, registered or not (in insertion order, to find the one that takes over). */
    private final Map<Object, Entry> sources = new LinkedHashMap<>();
    /** Which service's MBean holds each name. */
    private final Map<ObjectName, Object> registered = new HashMap<>();
    private boolean closed;

    /** On the platform MBean server. */
    @Activate
    public MetricsMBeans() {
        this(ManagementFactory.getPlatformMBeanServer());
    }

    /** On {@code server}: for tests. */
    MetricsMBeans(MBeanServer server) {
        this.server = server;
    }

    /** The object name of source {@code source}. */
    public static ObjectName objectName(String source) {
        int slash = source.indexOf('/');
        String type = slash < 0 ? source : source.substring(0, slash);
        String name = slash < 0 || slash == source.length() - 1 ? source : source.substring(slash + 1);
        try {
            return new ObjectName(DOMAIN + ":type=" + value(type) + ",name=" + value(name));
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("metric source " + source + " has no JMX name: " + e.getMessage(), e);
        }
    }

    /** A key's value, quoted if it holds a character an unquoted value may not. */
    private static String value(String text) {
        return text.isEmpty() || text.chars().anyMatch(c -> ",=:\"*?\n".indexOf(c) >= 0) ? ObjectName.quote(text) : text;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public synchronized void addSource(MetricSource source, Map<String, Object> properties) {
        if (closed) {
            return;
        }
        String name;
        ObjectName objectName;
        try {
            Object property = properties.get(MetricSource.SOURCE_PROPERTY);
            name = property != null ? property.toString() : source.source();
            objectName = objectName(name);
        } catch (RuntimeException e) {
            LOG.warn("a metric source has no JMX MBean: {}", e.getMessage());
            return;
        }
        Object key = MetricsCollector.key(source, properties);
        Entry entry = new Entry(name, source, objectName);
        sources.put(key, entry);
        register(key, entry);
    }

    public synchronized void removeSource(MetricSource source, Map<String, Object> properties) {
        Object key = MetricsCollector.key(source, properties);
        Entry gone = sources.remove(key);
        if (gone == null || closed || !key.equals(registered.get(gone.objectName()))) {
            return;
        }
        unregister(gone.objectName());
        // Another service of the same name (the one this one replaced) takes its place.
        sources.entrySet().stream().filter(e -> e.getValue().objectName().equals(gone.objectName())).reduce((a, b) -> b)
                .ifPresent(e -> register(e.getKey(), e.getValue()));
    }

    /** The MBeans go with the component. */
    @Deactivate
    public synchronized void deactivate() {
        closed = true;
        registered.keySet().forEach(this::unregisterQuietly);
        registered.clear();
        sources.clear();
    }

    private void register(Object key, Entry entry) {
        if (registered.containsKey(entry.objectName())) {
            unregister(entry.objectName());
        }
        try {
            server.registerMBean(new SourceMBean(entry.name(), entry.source()), entry.objectName());
            registered.put(entry.objectName(), key);
            LOG.debug("metric source {} registered as MBean {}", entry.name(), entry.objectName());
        } catch (InstanceAlreadyExistsException | MBeanRegistrationException | NotCompliantMBeanException e) {
            LOG.warn("metric source {} could not be registered as MBean {}: {}", entry.name(), entry.objectName(), e.toString());
        }
    }

    private void unregister(ObjectName objectName) {
        unregisterQuietly(objectName);
        registered.remove(objectName);
    }

    private void unregisterQuietly(ObjectName objectName) {
        try {
            server.unregisterMBean(objectName);
        } catch (InstanceNotFoundException e) {
            // already gone (unregistered by someone else)
        } catch (MBeanRegistrationException e) {
            LOG.warn("MBean {} could not be unregistered: {}", objectName, e.toString());
        }
    }
}
