package io.vstack.cache.internal.sim;

import static org.osgi.service.component.annotations.ReferenceCardinality.MULTIPLE;
import static org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC;
import static org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY;

import io.vstack.support.MemoryBudget;
import io.vstack.api.cache.EvictionListener;
import io.vstack.api.cache.EvictionPolicy;
import io.vstack.api.cache.EvictionPolicyFactory;
import io.vstack.api.trace.TraceFormat;
import io.vstack.api.trace.TraceFormatException;
import io.vstack.api.trace.TraceReader;
import io.vstack.api.trace.TraceSource;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongConsumer;
import java.util.function.ObjLongConsumer;
import java.util.function.Supplier;
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

    /**
     * Heap a policy takes per slot, at most: its key table, links and ghost entries (ARC's and
     * two-phase's ghosts remember about as many keys again as the cache holds).
     */
    static final long BYTES_PER_SLOT = 128;
    /** Heap Belady's optimum takes per reference beyond the trace: next-use table and key map. */
    private static final long OPT_BYTES_PER_REFERENCE = 32;
    private static final long INTERRUPT_CHECK_MASK = (1 << 16) - 1;

    private final TraceReader reader;
    private final Supplier<MemoryBudget> memory;
    private final ConcurrentSkipListMap<String, EvictionPolicyFactory> factories = new ConcurrentSkipListMap<>();

    /** A simulator that reads traces with {@code reader}; policies come through {@link #addFactory}. */
    @Activate
    public TraceSimulator(@Reference TraceReader reader) {
        this(reader, MemoryBudget::current);
    }

    /** A simulator that checks cache sizes against the budget {@code memory} gives (tests give fixed figures). */
    public TraceSimulator(TraceReader reader, Supplier<MemoryBudget> memory) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.memory = Objects.requireNonNull(memory, "memory");
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
     * Replays each trace through each policy at each size: streams the trace once through every
     * (policy, size) at the same time, so the trace is never held whole; only {@code opt} reads
     * it whole (a second pass), as Belady's optimum needs the future.
     *
     * @throws IllegalArgumentException for a size that is not positive, a policy name that is not registered
     *                                  (the message lists the known ones), or sizes (or an {@code opt} trace)
     *                                  that need more heap than the distribution can spare: checked before
     *                                  anything is taken
     * @param progress told every 65536 references: the trace's name and the references replayed so far
     * @throws java.io.InterruptedIOException if the calling thread is interrupted (checked every 65536 references)
     * @throws IOException              for a trace that cannot be read ({@link TraceFormatException} names the file and the offset or line)
     */
    public List<Row> simulate(List<Path> traces, TraceFormat format, List<String> policyNames, int[] sizes, boolean opt,
                              ObjLongConsumer<String> progress) throws IOException {
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
        long slots = 0;
        for (int size : sizes) {
            slots += size;
        }
        memory.get().requireHeap("cache:simulate --size " + joined(sizes) + " x " + chosen.size() + " polic"
                + (chosen.size() == 1 ? "y" : "ies"), MemoryBudget.times(slots * chosen.size(), BYTES_PER_SLOT));
        List<Row> rows = new ArrayList<>();
        for (Path file : traces) {
            long[][] misses = new long[sizes.length][chosen.size()];
            String name = traceName(file);
            long references = replay(file, format, chosen, sizes, misses, count -> progress.accept(name, count));
            long[] optMisses = opt ? optimum(file, format, sizes) : null;
            for (int s = 0; s < sizes.length; s++) {
                Map<String, Double> ratios = new LinkedHashMap<>();
                for (int p = 0; p < chosen.size(); p++) {
                    ratios.put(chosen.get(p).name(), (double) misses[s][p] / references);
                }
                if (opt) {
                    ratios.put(OPT, (double) optMisses[s] / references);
                }
                rows.add(new Row(name, sizes[s], references, ratios));
                LOG.debug("Simulated {}@{}: {}", name, sizes[s], ratios);
            }
        }
        return rows;
    }

    /**
     * Streams {@code file} once through a fresh policy per (size, factory), counting misses into
     * {@code misses[size][factory]}; holds no key of the trace. Returns the references.
     */
    private long replay(Path file, TraceFormat format, List<EvictionPolicyFactory> chosen, int[] sizes, long[][] misses,
                        LongConsumer progress) throws IOException {
        EvictionPolicy[][] policies = new EvictionPolicy[sizes.length][chosen.size()];
        for (int s = 0; s < sizes.length; s++) {
            for (int p = 0; p < chosen.size(); p++) {
                policies[s][p] = chosen.get(p).create(sizes[s], EvictionListener.NONE);
            }
        }
        long references = 0;
        try (TraceSource source = reader.open(file, format)) {
            for (long key = source.next(); key != TraceSource.END; key = source.next()) {
                for (int s = 0; s < sizes.length; s++) {
                    for (int p = 0; p < policies[s].length; p++) {
                        if (Replay.miss(policies[s][p], key)) {
                            misses[s][p]++;
                        }
                    }
                }
                if ((++references & INTERRUPT_CHECK_MASK) == 0) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedIOException("cache:simulate stopped in trace " + file + " after " + references
                                + " references: interrupted");
                    }
                    progress.accept(references);
                }
            }
        }
        if (references == 0) {
            throw new TraceFormatException(file, "trace " + file + ": no references in the trace");
        }
        return references;
    }

    /** Belady's misses at each size: needs the whole trace in the heap, checked before it is taken. */
    private long[] optimum(Path file, TraceFormat format, int[] sizes) throws IOException {
        long[] trace = reader.readAll(file, format);
        int largest = 0;
        for (int size : sizes) {
            largest = Math.max(largest, size);
        }
        memory.get().requireHeap("cache:simulate --opt on trace " + file + " (" + trace.length + " references)",
                trace.length * OPT_BYTES_PER_REFERENCE + (long) largest * OPT_BYTES_PER_REFERENCE);
        long[] misses = new long[sizes.length];
        for (int s = 0; s < sizes.length; s++) {
            misses[s] = Belady.misses(trace, sizes[s]);
        }
        return misses;
    }

    private static String joined(int[] sizes) {
        StringBuilder text = new StringBuilder();
        for (int size : sizes) {
            text.append(text.length() == 0 ? "" : ",").append(size);
        }
        return text.toString();
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
