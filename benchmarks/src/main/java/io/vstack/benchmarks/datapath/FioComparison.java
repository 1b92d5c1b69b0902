package io.vstack.benchmarks.datapath;

import io.vstack.api.workload.WorkloadPattern;
import io.vstack.benchmarks.Fio;
import io.vstack.api.workload.WorkloadResult;
import io.vstack.api.workload.WorkloadSpec;
import io.vstack.traces.internal.TraceReaderImpl;
import io.vstack.workload.internal.WorkloadRunnerImpl;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * fio and the vstack workload on the same file, the same pattern, in one run: 4 KiB random read
 * (psync, QD1, direct) and 1 MiB sequential read and write (direct). The vstack side is the real
 * stack as plain objects ({@link DataPathFixture}): the local backend with {@code O_DIRECT}, a
 * disk with N no-op filters, and the {@link WorkloadRunnerImpl} behind {@code workload:run}.
 * fio reads and writes the disk's own store file. Each round runs fio and vstack back to back,
 * alternating which goes first. Installs fio ({@code apt-get install -y fio}) if it is missing.
 * <p>Arguments: {@code [--dir D] [--size 1G-in-MiB] [--seconds 10] [--rounds 3] [--filters 4]}.
 */
public final class FioComparison {

    private record Case(String name, String fioRw, int blockSize, WorkloadPattern pattern, boolean read) {
    }

    private static final List<Case> CASES = List.of(
            new Case("4 KiB random read", "randread", 4096, WorkloadPattern.RANDREAD, true),
            new Case("1 MiB sequential read", "read", 1 << 20, WorkloadPattern.READ, true),
            new Case("1 MiB sequential write", "write", 1 << 20, WorkloadPattern.WRITE, false));

    private FioComparison() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of("target/datapath-fio");
        long sizeMiB = 1024;
        int seconds = 10;
        int rounds = 3;
        int filters = 4;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--size" -> sizeMiB = Long.parseLong(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--filters" -> filters = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.println("fio: " + Fio.ensureInstalled());
        System.out.println("load before: " + Fio.exec(List.of("uptime")).trim());
        long capacity = sizeMiB << 20;
        WorkloadRunnerImpl runner = new WorkloadRunnerImpl(new TraceReaderImpl());
        try (DataPathFixture fixture = new DataPathFixture(dir.toAbsolutePath(), filters, true, capacity)) {
            System.out.printf(Locale.ROOT, "file %s, %d MiB, written; vstack: local backend O_DIRECT, disk with %d no-op filter(s)%n",
                    fixture.file(), sizeMiB, filters);
            System.out.printf(Locale.ROOT, "%-24s %5s %12s %12s %7s %10s %10s%n", "pattern", "round", "fio IOPS",
                    "vstack IOPS", "ratio", "fio p50us", "vst p50us");
            for (Case c : CASES) {
                List<Double> ratios = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    double[] fio = {0, 0};
                    double[] vstack = {0, 0};
                    for (int turn = 0; turn < 2; turn++) {
                        boolean fioTurn = (turn == 0) == (round % 2 == 1);
                        if (fioTurn) {
                            fio = fio(fixture, c, seconds);
                        } else {
                            WorkloadResult r = runner.run(fixture.disk(), WorkloadSpec.builder(c.pattern()).blockSize(c.blockSize())
                                    .threads(1).duration(Duration.ofSeconds(seconds)).seed(round).build(), p -> { });
                            if (r.errors() > 0) {
                                throw new IllegalStateException("vstack run had " + r.errors() + " errors: " + r.failures());
                            }
                            vstack = new double[] {r.iops(),
                                (c.read() ? r.reads() : r.writes()).latency().p50Nanos() / 1e3};
                        }
                    }
                    double ratio = vstack[0] / fio[0];
                    ratios.add(ratio);
                    System.out.printf(Locale.ROOT, "%-24s %5d %12.0f %12.0f %6.1f%% %10.1f %10.1f%n", c.name(), round, fio[0],
                            vstack[0], ratio * 100, fio[1], vstack[1]);
                }
                ratios.sort(null);
                System.out.printf(Locale.ROOT, "%-24s median vstack/fio %.1f%%%n", c.name(), ratios.get(ratios.size() / 2) * 100);
            }
        }
        System.out.println("load after: " + Fio.exec(List.of("uptime")).trim());
    }

    /** One fio job on the fixture's file: {IOPS, p50 completion latency in µs}. */
    private static double[] fio(DataPathFixture fixture, Case c, int seconds) throws IOException, InterruptedException {
        Fio.Result r = Fio.run(fixture.file(), fixture.capacity(), c.fioRw(), c.blockSize(), true, 1, false, seconds);
        return new double[] {r.iops(), r.p50Micros()};
    }
}
