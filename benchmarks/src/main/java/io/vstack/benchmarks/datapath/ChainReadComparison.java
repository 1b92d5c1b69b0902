package io.vstack.benchmarks.datapath;

import io.vstack.benchmarks.plot.LinePlot;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * The depth-8 / depth-1 read cost ratio on a loaded machine: three chains (depth 1; depth 8 with
 * blocks spread over the members; depth 8 with every block in the base) built side by side, then
 * measured in interleaved rounds (each round times N single 4 KiB random reads on each chain,
 * in rotating order, and keeps each one's median), so that load that comes and goes hits every
 * chain alike. Prints the median of the round medians and the ratios, and the same for bare
 * {@code FileChannel} reads of the member files.
 * <p>Usage: {@code ChainReadComparison <dir> [rounds] [readsPerRound] [--plots DIR]}; with {@code --plots},
 * writes {@code chain-read-cdf.svg}: the latency distribution of every measured read, per chain, through
 * vstack and bare.
 */
public final class ChainReadComparison {

    private ChainReadComparison() {
    }

    /** Percentiles drawn on the distribution plot (up to p99: beyond it a loaded machine's descheduling fills the axis). */
    private static final double[] PERCENTILES = {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97, 98, 99};

    public static void main(String[] allArgs) throws Exception {
        List<String> positional = new ArrayList<>(List.of(allArgs));
        Path plots = LinePlot.plotsOption(positional);
        String[] args = positional.toArray(String[]::new);
        Path dir = Path.of(args.length > 0 ? args[0] : "target/chain-compare");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int reads = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
        long capacity = 128L << 20;
        String[] names = {"depth 1", "depth 8, spread", "depth 8, all in base"};
        ChainFixture[] chains = {
            new ChainFixture(dir.resolve("d1"), 1, true, capacity),
            new ChainFixture(dir.resolve("d8s"), 8, true, capacity),
            new ChainFixture(dir.resolve("d8b"), 8, false, capacity)};
        try {
            long[][] disk = new long[chains.length][rounds];
            long[][] bare = new long[chains.length][rounds];
            long[] sample = new long[reads];
            // Every measured read (not the warm-up's), per chain: [chain][0 = vstack, 1 = bare], ns.
            Histogram[][] all = new Histogram[chains.length][2];
            for (Histogram[] kinds : all) {
                kinds[0] = new Histogram(3);
                kinds[1] = new Histogram(3);
            }
            ByteBuffer buffer = ByteBuffer.allocateDirect(ChainFixture.BLOCK);
            SplittableRandom random = new SplittableRandom(42);
            for (int warm = 0; warm < 3; warm++) {
                for (ChainFixture c : chains) {
                    measure(c, false, buffer, random, sample);
                    measure(c, true, buffer, random, sample);
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < chains.length; k++) {
                    int i = (k + r) % chains.length;
                    disk[i][r] = measure(chains[i], false, buffer, random, sample);
                    record(all[i][0], sample);
                    bare[i][r] = measure(chains[i], true, buffer, random, sample);
                    record(all[i][1], sample);
                }
            }
            long base = median(disk[0]);
            long bareBase = median(bare[0]);
            System.out.printf(Locale.ROOT, "%-22s %12s %8s %12s %8s%n", "chain", "vstack p50", "ratio", "bare p50", "ratio");
            for (int i = 0; i < chains.length; i++) {
                System.out.printf(Locale.ROOT, "%-22s %9d ns %8.2f %9d ns %8.2f%n", names[i], median(disk[i]),
                        median(disk[i]) / (double) base, median(bare[i]), median(bare[i]) / (double) bareBase);
            }
            System.out.println(rounds + " interleaved rounds of " + reads + " reads per chain and kind; median of the round medians");
            if (plots != null) {
                LinePlot cdf = new LinePlot("4 KiB random reads through a chain: latency distribution", "latency (ns, log)",
                        "reads at or below (%)").logX().yFrom(0);
                for (int i = 0; i < chains.length; i++) {
                    for (int kind = 0; kind < 2; kind++) {
                        double[] ns = new double[PERCENTILES.length];
                        for (int p = 0; p < PERCENTILES.length; p++) {
                            ns[p] = all[i][kind].getValueAtPercentile(PERCENTILES[p]);
                        }
                        cdf.series(names[i] + (kind == 0 ? ", vstack" : ", bare file"), ns, PERCENTILES, kind == 1);
                    }
                }
                Path file = plots.resolve("chain-read-cdf.svg");
                cdf.write(file);
                System.out.println("wrote " + file);
            }
        } finally {
            for (ChainFixture c : chains) {
                c.close();
            }
        }
    }

    /** Times {@code sample.length} single reads at random blocks; returns their median in ns. */
    private static long measure(ChainFixture chain, boolean bareRead, ByteBuffer buffer, SplittableRandom random, long[] sample)
            throws Exception {
        long blocks = chain.blocks();
        for (int n = 0; n < sample.length; n++) {
            long block = random.nextLong(blocks);
            buffer.clear();
            long start = System.nanoTime();
            if (bareRead) {
                chain.readBare(block, buffer);
            } else {
                chain.read(block, buffer);
            }
            sample[n] = System.nanoTime() - start;
        }
        return median(sample);
    }

    private static void record(Histogram histogram, long[] sample) {
        for (long ns : sample) {
            histogram.recordValue(Math.max(1, ns));
        }
    }

    private static long median(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy[copy.length / 2];
    }
}
