package io.vstack.metrics.internal;

import io.vstack.api.metrics.MetricSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link MetricSource} service, by whiteboard, read on demand. A source that throws while it
 * is read (its bundle stopping under the reader, say) is left out of that reading and counted; a
 * reading never fails because of one source.
 * <p>Thread-safe: sources come and go on the framework's threads while readers read.
 */
@Component(service = MetricsCollector.class, immediate = true)
public final class MetricsCollector {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsCollector.class);

    private record Entry(String name, MetricSource source) {
    }

    /** By service id (two services may name the same source while one replaces the other). */
    private final Map<Object, Entry> sources = new ConcurrentHashMap<>();
    private final LongAdder failures = new LongAdder();

    /** An empty collector: Declarative Services, tests and benchmarks add sources with {@link #addSource}. */
    public MetricsCollector() {
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void addSource(MetricSource source, Map<String, Object> properties) {
        Object name = properties.get(MetricSource.SOURCE_PROPERTY);
        String sourceName;
        try {
            sourceName = name != null ? name.toString() : source.source();
        } catch (RuntimeException e) {
            LOG.warn("a metric source without the {} property failed to name itself; ignored: {}",
                    MetricSource.SOURCE_PROPERTY, e.toString());
            return;
        }
        sources.put(key(source, properties), new Entry(sourceName, source));
        LOG.debug("metric source {} added", sourceName);
    }

    public void removeSource(MetricSource source, Map<String, Object> properties) {
        Entry gone = sources.remove(key(source, properties));
        if (gone != null) {
            LOG.debug("metric source {} removed", gone.name());
        }
    }

    /** What tells two services apart: the service id (two services may name the same source). */
    static Object key(MetricSource source, Map<String, Object> properties) {
        Object id = properties.get("service.id");
        return id != null ? id : source;
    }

    /** The names of the sources, sorted (a name two services share appears once). */
    public List<String> names() {
        return sources.values().stream().map(Entry::name).distinct().sorted().toList();
    }

    /** Reads every source, sorted by name. */
    public List<SourceFigures> collect() {
        List<Entry> entries = new ArrayList<>(sources.values());
        entries.sort(Comparator.comparing(Entry::name));
        List<SourceFigures> result = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            read(e).ifPresent(result::add);
        }
        return result;
    }

    /** Reads the source named {@code name}, if there is one and it could be read. */
    public Optional<SourceFigures> collect(String name) {
        return sources.values().stream().filter(e -> e.name().equals(name)).findFirst().flatMap(this::read);
    }

    /** Readings left out because their source threw, since this component started. */
    public long failures() {
        return failures.sum();
    }

    private Optional<SourceFigures> read(Entry e) {
        try {
            return Optional.of(SourceFigures.read(e.name(), e.source()));
        } catch (RuntimeException | LinkageError failure) {
            // A bundle that stops while it is read can throw anything, up to a class it can no longer load.
            failures.increment();
            LOG.debug("metric source {} could not be read; left out: {}", e.name(), failure.toString());
            return Optional.empty();
        }
    }
}
