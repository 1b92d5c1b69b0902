package io.vstack.benchmarks.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vstack.api.cache.EvictionPolicyFactory;
import io.vstack.api.trace.TraceFormat;
import io.vstack.api.trace.TraceReader;
import io.vstack.cache.internal.policy.ArcFactory;
import io.vstack.cache.internal.policy.LruFactory;
import io.vstack.cache.internal.policy.S3FifoFactory;
import io.vstack.api.cache.EvictionListener;
import io.vstack.cache.internal.policy.TwoPhaseFactory;
import io.vstack.cache.internal.policy.TwoPhasePolicy;
import io.vstack.cache.internal.policy.TwoQueueFactory;
import io.vstack.cache.internal.sim.Belady;
import io.vstack.cache.internal.sim.Replay;
import io.vstack.benchmarks.plot.LinePlot;
import io.vstack.traces.internal.TraceReaderImpl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Miss ratios (%) of our policies, Caffeine and Belady's OPT over every trace/size cell of
 * {@code shared/traces/README.md}, all in one run; prints a markdown table. Arguments: the traces
 * directory (default {@code ../shared/traces}, relative to the repository root), then {@code --more}
 * to add 22 further cells (other sizes of those traces, and web07, cs, gli, ps, 2_pools), which guard
 * a policy change against fitting the README's eight, and {@code --plots DIR} to write, per trace,
 * {@code missratio-<trace>.svg}: miss ratio against cache size for every policy of the run. Also
 * prints the default policy's metadata per cached block at each cache size of the run.
 */
public final class MissRatioHarness {

    private record Cell(String file, TraceFormat format, int... sizes) {
    }

    private static final List<Cell> CELLS = List.of(
            new Cell("cloud_physics/w106.trace.xz", TraceFormat.U32, 8192, 32768, 131072),
            new Cell("cache2k/orm-busy.trace.xz", TraceFormat.S32, 8192, 32768),
            new Cell("lirs/multi3.trace.gz", TraceFormat.TEXT, 2000),
            new Cell("lirs/sprite.trace.gz", TraceFormat.TEXT, 1000),
            new Cell("lirs/loop.trace.gz", TraceFormat.TEXT, 768));

    private static final List<Cell> MORE_CELLS = List.of(
            new Cell("cloud_physics/w106.trace.xz", TraceFormat.U32, 4096, 16384, 65536),
            new Cell("cache2k/orm-busy.trace.xz", TraceFormat.S32, 4096, 16384, 65536),
            new Cell("cache2k/web07.trace.xz", TraceFormat.S32, 1000, 4000),
            new Cell("lirs/multi3.trace.gz", TraceFormat.TEXT, 1000, 3000),
            new Cell("lirs/sprite.trace.gz", TraceFormat.TEXT, 500, 2000),
            new Cell("lirs/loop.trace.gz", TraceFormat.TEXT, 512, 1000),
            new Cell("lirs/cs.trace.gz", TraceFormat.TEXT, 500, 1000),
            new Cell("lirs/gli.trace.gz", TraceFormat.TEXT, 500, 1500),
            new Cell("lirs/ps.trace.gz", TraceFormat.TEXT, 500, 1500),
            new Cell("lirs/2_pools.trace.gz", TraceFormat.TEXT, 450, 1000));

    private MissRatioHarness() {
    }

    public static void main(String[] args) throws Exception {
        Path traces = Path.of(args.length > 0 ? args[0] : "../shared/traces");
        List<Cell> cells = new ArrayList<>(CELLS);
        Path plots = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--more")) {
                cells.addAll(MORE_CELLS);
            } else if (args[i].equals("--plots") && i + 1 < args.length) {
                plots = Path.of(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option " + args[i] + " (known: --more, --plots DIR)");
            }
        }
        // trace -> cache size -> miss ratio per policy (ours, then Caffeine, then OPT), for the plots.
        Map<String, TreeMap<Integer, List<Double>>> curves = new LinkedHashMap<>();
        TraceReader reader = new TraceReaderImpl();
        List<EvictionPolicyFactory> ours = List.of(new TwoPhaseFactory(), new LruFactory(), new ArcFactory(),
                new TwoQueueFactory(), new S3FifoFactory());
        StringBuilder header = new StringBuilder("| trace @ cache size |");
        StringBuilder rule = new StringBuilder("|---|");
        for (EvictionPolicyFactory f : ours) {
            header.append(' ').append(f.name()).append(" |");
            rule.append("---|");
        }
        header.append(" Caffeine | OPT | two-phase − best peer |");
        rule.append("---|---|---|");
        System.out.println(header);
        System.out.println(rule);
        for (Cell cell : cells) {
            long[] trace = reader.readAll(traces.resolve(cell.file()), cell.format());
            String name = cell.file().replaceAll(".*/|\\.trace.*", "");
            for (int size : cell.sizes()) {
                List<Double> ratios = new ArrayList<>();
                for (EvictionPolicyFactory f : ours) {
                    ratios.add(100.0 * Replay.misses(trace, f, size) / trace.length);
                }
                double caffeine = 100.0 * caffeineMisses(trace, size) / trace.length;
                double opt = 100.0 * Belady.misses(trace, size) / trace.length;
                double bestPeer = caffeine;
                for (int i = 1; i < ratios.size(); i++) {
                    bestPeer = Math.min(bestPeer, ratios.get(i));
                }
                StringBuilder row = new StringBuilder("| " + name + " @ " + size + " |");
                for (double r : ratios) {
                    row.append(String.format(Locale.ROOT, " %.2f |", r));
                }
                row.append(String.format(Locale.ROOT, " %.2f | %.2f | %+.2f |", caffeine, opt, ratios.get(0) - bestPeer));
                System.out.println(row);
                List<Double> all = new ArrayList<>(ratios);
                all.add(caffeine);
                all.add(opt);
                curves.computeIfAbsent(name, k -> new TreeMap<>()).put(size, all);
            }
        }
        TreeSet<Integer> sizes = new TreeSet<>();
        curves.values().forEach(bySize -> sizes.addAll(bySize.keySet()));
        StringBuilder metadata = new StringBuilder("metadata per cached block (two-phase, TwoPhasePolicy.metadataBytes()):");
        for (int size : sizes) {
            TwoPhasePolicy policy = (TwoPhasePolicy) new TwoPhaseFactory().create(size, EvictionListener.NONE);
            metadata.append(String.format(Locale.ROOT, " %d: %.1f B;", size, policy.metadataBytes()));
        }
        System.out.println(metadata);
        if (plots != null) {
            List<String> names = new ArrayList<>();
            ours.forEach(f -> names.add(f.name()));
            names.add("Caffeine");
            names.add("OPT");
            for (Map.Entry<String, TreeMap<Integer, List<Double>>> trace : curves.entrySet()) {
                Path file = plots.resolve("missratio-" + trace.getKey() + ".svg");
                plot(trace.getKey(), trace.getValue(), names).write(file);
                System.out.println("wrote " + file);
            }
        }
    }

    /** Miss ratio against cache size (log scale) of one trace, one line per policy; OPT dashed. */
    private static LinePlot plot(String trace, TreeMap<Integer, List<Double>> bySize, List<String> names) {
        LinePlot plot = new LinePlot("Miss ratio, " + trace, "cache size (blocks)", "miss ratio (%)").logX().yFrom(0);
        double[] xs = bySize.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
        for (int p = 0; p < names.size(); p++) {
            int policy = p;
            double[] ys = bySize.values().stream().mapToDouble(r -> r.get(policy)).toArray();
            plot.series(names.get(p), xs, ys, names.get(p).equals("OPT"));
        }
        return plot;
    }

    /** Caffeine as the traces README measured it: same-thread executor, cleanUp() after each access. */
    static long caffeineMisses(long[] trace, int size) {
        Cache<Long, Boolean> cache = Caffeine.newBuilder().maximumSize(size).executor(Runnable::run).build();
        long misses = 0;
        for (long key : trace) {
            Long boxed = key;
            if (cache.getIfPresent(boxed) == null) {
                misses++;
                cache.put(boxed, Boolean.TRUE);
            }
            cache.cleanUp();
        }
        return misses;
    }
}
