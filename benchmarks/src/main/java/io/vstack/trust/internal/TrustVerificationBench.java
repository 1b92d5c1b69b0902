package io.vstack.trust.internal;

import io.vstack.trust.internal.BundleEvaluator.BundleFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Verification cost per bundle: evaluates every jar of a distribution's system/ folder the way the
 * resolver hook does on a cold cache (read the jar, SHA-256, manifest from the central directory,
 * platform-digest lookup), round after round, and prints the median per round and per bundle,
 * next to the peer that only reads the same bytes from disk. Usage: TrustVerificationBench
 * &lt;system dir&gt; &lt;rounds&gt;. The first round (JIT warm-up, cold page cache) is reported apart.
 */
public final class TrustVerificationBench {

    private TrustVerificationBench() {
    }

    public static void main(String[] args) throws Exception {
        Path system = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<Path> jars;
        try (Stream<Path> files = Files.walk(system)) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        long bytes = 0;
        for (Path jar : jars) {
            bytes += Files.size(jar);
        }
        Path work = Files.createTempDirectory("trust-bench");
        FileTrustStore store = new FileTrustStore(work.resolve("trust"), work.resolve("key"), Clock.systemUTC());
        store.load();
        PlatformDigests platform = PlatformDigests.load(system.resolve(PlatformDigests.FILE));
        BundleEvaluator evaluator = new BundleEvaluator(new BundleSource(Optional.of(system)), store, () -> platform,
                TrustConfig::defaults, work.resolve("tmp"), Instant.EPOCH);

        long[] evaluate = new long[rounds];
        long[] readOnly = new long[rounds];
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            int trusted = 0;
            for (Path jar : jars) {
                if (evaluator.evaluate(new BundleFacts(1, "bench", jar.toUri().toString(), Optional.empty())).trusted()) {
                    trusted++;
                }
            }
            evaluate[round] = System.nanoTime() - start;
            if (trusted != jars.size()) {
                throw new IllegalStateException(trusted + " of " + jars.size() + " jars trusted: digests out of date?");
            }
            start = System.nanoTime();
            long sink = 0;
            for (Path jar : jars) {
                sink += Files.readAllBytes(jar).length;
            }
            readOnly[round] = System.nanoTime() - start;
            if (sink != bytes) {
                throw new IllegalStateException("read " + sink + " of " + bytes + " bytes");
            }
        }
        System.out.printf("jars: %d, %.1f MiB in %s%n", jars.size(), bytes / 1048576.0, system);
        System.out.printf("first round: evaluate %.1f ms, read only %.1f ms%n", evaluate[0] / 1e6, readOnly[0] / 1e6);
        long evaluateMedian = median(Arrays.copyOfRange(evaluate, 1, rounds));
        long readMedian = median(Arrays.copyOfRange(readOnly, 1, rounds));
        System.out.printf("median of %d warm rounds: evaluate all %.1f ms (%.0f us per bundle, %.0f MiB/s); "
                        + "read only %.1f ms (%.0f us per bundle)%n", rounds - 1, evaluateMedian / 1e6,
                evaluateMedian / 1e3 / jars.size(), bytes / 1048576.0 / (evaluateMedian / 1e9),
                readMedian / 1e6, readMedian / 1e3 / jars.size());
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        List<Long> list = new ArrayList<>();
        for (long v : sorted) {
            list.add(v);
        }
        return list.get(list.size() / 2);
    }
}
