package io.vstack.metrics.internal;

import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricSource;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** A metric source for tests: figures from a supplier (which may throw), labels given. */
record FakeSource(String source, Map<String, String> labels, Supplier<List<Metric>> figures) implements MetricSource {

    @Override
    public List<Metric> snapshot() {
        return figures.get();
    }

    /** Registers it with {@code collector} as the framework would, under service id {@code id}. */
    FakeSource addTo(MetricsCollector collector, long id) {
        collector.addSource(this, Map.of(MetricSource.SOURCE_PROPERTY, source, "service.id", id));
        return this;
    }
}
