package io.vstack.cache.internal.sim;

import static org.osgi.service.component.annotations.ReferenceCardinality.MULTIPLE;
import static org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC;
import static org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY;

import io.vstack.api.cache.EvictionPolicyFactory;
import io.vstack.api.trace.TraceFormat;
import io.vstack.api.trace.TraceFormatException;
import io.vstack.api.trace.TraceReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays traces through the eviction policies registered as {@link EvictionPolicyFactory}
 * services (whiteboard, by {@link EvictionPolicyFactory#name()}), and through Belady's OPT; reads
 * the traces with the {@link TraceReader} service. Thread-safe; a simulation runs on the caller's thread.
 */
@Component(service = TraceSimulator.class)
public final class TraceSimulator {

    /** Name of Belady's optimum in results. */
    public static final String OPT = "OPT";

    private static final Logger LOG = LoggerFactory.getLogger(TraceSimulator.class);

    private final TraceReader reader;
    private final ConcurrentSkipListMap<String, EvictionPolicyFactory> factories = new ConcurrentSkipListMap<>();

    /** A simulator that reads traces with {@code reader}; policies come through {@link #addFactory}. */
    @Activate
    public TraceSimulator(@Reference TraceReader reader) {
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    /** Miss ratios of one trace at one cache size, by policy name, in the order asked. */
    public record Row(String trace, int size, long references, Map<String, Double> missRatios) {
    }

    @Reference(cardinality = MULTIPLE, policy = DYNAMIC, policyOption = GREEDY)
    public void addFactory(EvictionPolicyFactory factory) {
        factories.put(factory.name(), factory);
        LOG.info("Eviction policy {} added", factory.name());
    }

    public void removeFactory(EvictionPolicyFactory factory) {
        factories.remove(factory.name(), factory);
        LOG.info("Eviction policy {} removed", factory.name());
    }

    /** The registered policy factories, by name. */
    public List<EvictionPolicyFactory> policies() {
        return List.copyOf(factories.values());
    }

    /** The factory named {@code name}, if registered. */
    public Optional<EvictionPolicyFactory> policy(String name) {
        return Optional.ofNullable(factories.get(name));
    }

    /**
     * Replays each trace through each policy at each size.
     *
     * @throws IllegalArgumentException for a size that is not positive or a policy name that is not registered
     *                                  (the message lists the known ones)
     * @throws IOException              for a trace that cannot be read ({@link TraceFormatException} names the file and the offset or line)
     */
    public List<Row> simulate(List<Path> traces, TraceFormat format, List<String> policyNames, int[] sizes, boolean opt)
            throws IOException {
        for (int size : sizes) {
            if (size <= 0) {
                throw new IllegalArgumentException("Cache size must be positive: " + size);
            }
        }
        if (sizes.length == 0) {
            throw new IllegalArgumentException("No cache size given");
        }
        List<EvictionPolicyFactory> chosen = new ArrayList<>();
        for (String name : policyNames) {
            EvictionPolicyFactory factory = factories.get(name);
            if (factory == null) {
                throw new IllegalArgumentException("Unknown policy '" + name + "'; known: " + String.join(", ", factories.keySet()));
            }
            chosen.add(factory);
        }
        List<Row> rows = new ArrayList<>();
        for (Path file : traces) {
            long[] trace = reader.readAll(file, format);
            String name = traceName(file);
            for (int size : sizes) {
                Map<String, Double> ratios = new LinkedHashMap<>();
                for (EvictionPolicyFactory factory : chosen) {
                    ratios.put(factory.name(), (double) Replay.misses(trace, factory, size) / trace.length);
                }
                if (opt) {
                    ratios.put(OPT, (double) Belady.misses(trace, size) / trace.length);
                }
                rows.add(new Row(name, size, trace.length, ratios));
                LOG.debug("Simulated {}@{}: {}", name, size, ratios);
            }
        }
        return rows;
    }

    /** The file name without its {@code .trace.xz}-style suffixes. */
    static String traceName(Path file) {
        String name = file.getFileName().toString();
        for (String suffix : new String[] {".xz", ".gz", ".txt", ".trace"}) {
            if (name.endsWith(suffix) && name.length() > suffix.length()) {
                name = name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }
}
