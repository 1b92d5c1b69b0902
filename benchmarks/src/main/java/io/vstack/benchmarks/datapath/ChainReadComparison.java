package io.vstack.benchmarks.datapath;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The depth-8 / depth-1 read cost ratio on a loaded machine: three chains (depth 1; depth 8 with
 * blocks spread over the members; depth 8 with every block in the base) built side by side, then
 * measured in interleaved rounds (each round times N single 4 KiB random reads on each chain,
 * in rotating order, and keeps each one's median), so that load that comes and goes hits every
 * chain alike. Prints the median of the round medians and the ratios, and the same for bare
 * {@code FileChannel} reads of the member files.
 * <p>Usage: {@code ChainReadComparison <dir> [rounds] [readsPerRound]}
 */
public final class ChainReadComparison {

    private ChainReadComparison() {
    }

    public static void main(String[] args) throws Exception {
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
                    bare[i][r] = measure(chains[i], true, buffer, random, sample);
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

    private static long median(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy[copy.length / 2];
    }
}
