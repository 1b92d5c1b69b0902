package io.vstack.filters.basic.internal;

import io.vstack.api.metrics.MetricSource;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes metric sources as OSGi services in a bundle's context. */
public final class ServiceMetricPublisher implements MetricPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceMetricPublisher.class);
    private final BundleContext context;

    /** Publishes through {@code context}. */
    public ServiceMetricPublisher(BundleContext context) {
        this.context = context;
    }

    @Override
    public Runnable publish(MetricSource source, Map<String, Object> properties) {
        Dictionary<String, Object> dictionary = new Hashtable<>(properties);
        dictionary.put(MetricSource.SOURCE_PROPERTY, source.source());
        ServiceRegistration<MetricSource> registration = context.registerService(MetricSource.class, source, dictionary);
        return () -> {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                LOG.debug("metric source {} was already unregistered", source.source(), alreadyGone);
            }
        };
    }
}
