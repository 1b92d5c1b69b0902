package io.vstack.filters.basic.internal;

import io.vstack.api.metrics.MetricSource;
import java.util.Map;

/** Registers a {@link MetricSource} service; a seam so that filter factories are plain objects in tests. */
@FunctionalInterface
public interface MetricPublisher {

    /**
     * Registers {@code source} with service properties {@code properties} (plus
     * {@link MetricSource#SOURCE_PROPERTY}) and returns what unregisters it (idempotent).
     */
    Runnable publish(MetricSource source, Map<String, Object> properties);

    /** A publisher that registers nothing. */
    MetricPublisher NONE = (source, properties) -> () -> { };
}
