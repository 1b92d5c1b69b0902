package io.vstack.storage.commands.internal;

import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricLabels;
import io.vstack.api.metrics.MetricSource;
import io.vstack.api.storage.BackendStatus;
import io.vstack.api.storage.StorageBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The metric source {@code backend}: every storage backend's health (one gauge per state, 1 for
 * the one it is in), capacity and space used, labelled {@code backend} (its type) and {@code name};
 * the same figures as {@code storage:list}. A backend's own counters (I/O, paths, resync) are in
 * its own source ({@code backend/san}...).
 */
@Component(service = MetricSource.class, property = MetricSource.SOURCE_PROPERTY + "=" + BackendMetrics.SOURCE)
public final class BackendMetrics implements MetricSource {

    static final String SOURCE = "backend";

    private final List<StorageBackend> backends = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addBackend(StorageBackend backend) {
        backends.add(backend);
    }

    void removeBackend(StorageBackend backend) {
        backends.remove(backend);
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public List<Metric> snapshot() {
        List<Metric> m = new ArrayList<>();
        for (StorageBackend backend : backends) {
            BackendStatus s;
            try {
                s = backend.status();
            } catch (RuntimeException gone) {
                continue;   // a backend going away while it is read: the next reading goes on without it
            }
            Map<String, String> l = Map.of(MetricLabels.BACKEND, s.type().id(), "name", s.name());
            for (BackendStatus.Health h : BackendStatus.Health.values()) {
                m.add(Metric.gauge("health", "bool", s.health() == h ? 1 : 0, Map.of(MetricLabels.BACKEND, s.type().id(),
                        "name", s.name(), "state", h.name().toLowerCase(Locale.ROOT))));
            }
            m.add(Metric.gauge("capacity", "bytes", s.capacity(), l));
            m.add(Metric.gauge("used", "bytes", s.used(), l));
        }
        return m;
    }
}
