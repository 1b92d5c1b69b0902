package io.vstack.benchmarks.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vstack.api.cache.EvictionPolicyFactory;
import io.vstack.api.trace.TraceFormat;
import io.vstack.api.trace.TraceReader;
import io.vstack.cache.internal.policy.ArcFactory;
import io.vstack.cache.internal.policy.LruFactory;
import io.vstack.cache.internal.policy.S3FifoFactory;
import io.vstack.cache.internal.policy.TwoPhaseFactory;
import io.vstack.cache.internal.policy.TwoQueueFactory;
import io.vstack.cache.internal.sim.Belady;
import io.vstack.cache.internal.sim.Replay;
import io.vstack.traces.internal.TraceReaderImpl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Miss ratios (%) of our policies, Caffeine and Belady's OPT over every trace/size cell of
 * {@code shared/traces/README.md}, all in one run; prints a markdown table. Arguments: the traces
 * directory (default {@code /work/shared/traces}), then {@code --more} to add 22 further cells
 * (other sizes of those traces, and web07, cs, gli, ps, 2_pools), which guard a policy change
 * against fitting the README's eight.
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
        Path traces = Path.of(args.length > 0 ? args[0] : "/work/shared/traces");
        List<Cell> cells = new ArrayList<>(CELLS);
        if (args.length > 1) {
            if (!args[1].equals("--more")) {
                throw new IllegalArgumentException("unknown option " + args[1] + " (known: --more)");
            }
            cells.addAll(MORE_CELLS);
        }
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
            }
        }
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
