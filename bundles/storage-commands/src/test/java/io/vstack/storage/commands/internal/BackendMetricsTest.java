package io.vstack.storage.commands.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vstack.api.metrics.Metric;
import io.vstack.api.storage.BackendStatus;
import io.vstack.api.storage.BackendStatus.Health;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.StorageBackend;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The metric source {@code backend}: each backend's health, capacity and space used, read from
 * its status as it changes; backends that come, go or fail while read. (A backend of another
 * bundle is not used here: a capability never reaches into another's internals, and the source
 * reads nothing but {@link StorageBackend#status()}.)
 */
class BackendMetricsTest {

    /** A backend whose status the test changes, as a backend's own work would; null makes it throw (going away). */
    private static StorageBackend backend(AtomicReference<BackendStatus> status) {
        return new StatusOnlyBackend(() -> {
            BackendStatus s = status.get();
            if (s == null) {
                throw new IllegalStateException("backend stopping");
            }
            return s;
        });
    }

    private static double value(BackendMetrics metrics, String name, Map<String, String> labels) {
        List<Metric> found = metrics.snapshot().stream().filter(m -> m.name().equals(name) && m.labels().equals(labels)).toList();
        assertEquals(1, found.size(), name + " " + labels + " in " + metrics.snapshot());
        return found.get(0).value();
    }

    @Test
    void healthCapacityAndUseFollowTheBackendsStatus() {
        BackendMetrics metrics = new BackendMetrics();
        assertEquals(List.of(), metrics.snapshot());
        AtomicReference<BackendStatus> san = new AtomicReference<>(
                new BackendStatus("san1", BackendType.SAN, 1 << 30, 0, Health.HEALTHY, "2 paths"));
        StorageBackend backend = backend(san);
        metrics.addBackend(backend);
        Map<String, String> labels = Map.of("backend", "san", "name", "san1");
        assertEquals(1, value(metrics, "health", Map.of("backend", "san", "name", "san1", "state", "healthy")));
        assertEquals(0, value(metrics, "health", Map.of("backend", "san", "name", "san1", "state", "degraded")));
        assertEquals(1 << 30, value(metrics, "capacity", labels));
        assertEquals(0, value(metrics, "used", labels));

        san.set(new BackendStatus("san1", BackendType.SAN, 1 << 30, 4096 * 10, Health.DEGRADED, "1 path down"));
        assertEquals(0, value(metrics, "health", Map.of("backend", "san", "name", "san1", "state", "healthy")));
        assertEquals(1, value(metrics, "health", Map.of("backend", "san", "name", "san1", "state", "degraded")));
        assertEquals(4096 * 10, value(metrics, "used", labels));

        AtomicReference<BackendStatus> local = new AtomicReference<>(
                new BackendStatus("local", BackendType.LOCAL, 1 << 20, 1 << 19, Health.HEALTHY, ""));
        metrics.addBackend(backend(local));
        assertEquals(1 << 19, value(metrics, "used", Map.of("backend", "local", "name", "local")));
        san.set(null);
        assertEquals(List.of("local"), metrics.snapshot().stream().map(m -> m.labels().get("name")).distinct().toList(),
                "a backend that throws while read is left out of that reading");
        metrics.removeBackend(backend);
        assertEquals(5, metrics.snapshot().size(), "only the backend removed goes: 3 health states, capacity, used");
    }
}
