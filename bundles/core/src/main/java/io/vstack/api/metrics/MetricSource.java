package io.vstack.api.metrics;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A component's figures. Register it as a service with {@link #SOURCE_PROPERTY}.
 * <p>{@link #snapshot()} is called by readers on their own thread, concurrently with the
 * component's work; it must be cheap, must not block, and must not slow the hot path (keep
 * counters the hot path updates anyway, and read them here).
 */
@ConsumerType
public interface MetricSource {

    /** Service property holding the source's name, such as {@code host/esx1} or {@code disk/db1}. */
    String SOURCE_PROPERTY = "vstack.metrics.source";

    /** The source's name, as in {@link #SOURCE_PROPERTY}. */
    String source();

    /** The figures now. */
    List<Metric> snapshot();

    /**
     * Labels that apply to every metric of this source, such as {@code disk=db1} for the source
     * {@code disk/db1} (names in {@link MetricLabels}); a metric's own label of the same name wins.
     * Called like {@link #snapshot()}. By default none.
     */
    default Map<String, String> labels() {
        return Map.of();
    }
}
