package io.vstack.cache.internal.block;

import io.vstack.api.cache.CacheStats;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricLabels;
import io.vstack.api.metrics.MetricSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The metric source {@code cache}: per host block cache (labels {@code cache}, {@code host},
 * {@code policy}) the counters of {@code cache:stats}: hits, misses, insertions, evictions,
 * invalidations, reclaimed hits, and the hit ratio, blocks, capacity, bytes and references held.
 */
@Component(service = MetricSource.class, property = MetricSource.SOURCE_PROPERTY + "=" + CacheMetrics.SOURCE)
public final class CacheMetrics implements MetricSource {

    static final String SOURCE = "cache";

    private final BlockCaches caches;

    @Activate
    public CacheMetrics(@Reference BlockCaches caches) {
        this.caches = caches;
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public List<Metric> snapshot() {
        List<Metric> m = new ArrayList<>();
        for (FrameBlockCache cache : caches.caches()) {
            CacheStats s = cache.stats();
            Map<String, String> l = Map.of(MetricLabels.CACHE, cache.name(), MetricLabels.HOST, cache.host(), "policy", cache.policy());
            m.add(Metric.counter("hits", "ops", s.hits(), l));
            m.add(Metric.counter("misses", "ops", s.misses(), l));
            m.add(Metric.counter("insertions", "ops", s.insertions(), l));
            m.add(Metric.counter("evictions", "ops", s.evictions(), l));
            m.add(Metric.counter("invalidations", "ops", s.invalidations(), l));
            m.add(Metric.counter("reclaimed", "ops", cache.reclaimedHits(), l));
            m.add(Metric.gauge("hit", "ratio", s.hitRatio(), l));
            m.add(Metric.gauge("blocks", "blocks", s.residentBlocks(), l));
            m.add(Metric.gauge("capacity", "blocks", s.capacityBlocks(), l));
            m.add(Metric.gauge("resident", "bytes", s.residentBytes(), l));
            m.add(Metric.gauge("references", "refs", cache.references(), l));
        }
        return m;
    }
}
