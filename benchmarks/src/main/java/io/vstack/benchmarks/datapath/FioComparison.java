package io.vstack.benchmarks.datapath;

import io.vstack.api.workload.WorkloadPattern;
import io.vstack.api.workload.WorkloadResult;
import io.vstack.api.workload.WorkloadSpec;
import io.vstack.traces.internal.TraceReaderImpl;
import io.vstack.workload.internal.WorkloadRunnerImpl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        ensureFio();
        System.out.println("fio: " + exec(List.of("fio", "--version")).trim());
        System.out.println("load before: " + exec(List.of("uptime")).trim());
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
        System.out.println("load after: " + exec(List.of("uptime")).trim());
    }

    /** One fio job on the fixture's file: {IOPS, p50 completion latency in µs}. */
    private static double[] fio(DataPathFixture fixture, Case c, int seconds) throws IOException, InterruptedException {
        String json = exec(List.of("fio", "--name=vstack-peer", "--filename=" + fixture.file(), "--direct=1",
                "--ioengine=psync", "--iodepth=1", "--numjobs=1", "--rw=" + c.fioRw(), "--bs=" + c.blockSize(),
                "--size=" + fixture.capacity(), "--runtime=" + seconds, "--time_based", "--randrepeat=0",
                "--output-format=json"));
        String section = c.read() ? "read" : "write";
        Matcher iops = Pattern.compile("\"" + section + "\"\\s*:\\s*\\{[^{}]*?\"iops\"\\s*:\\s*([0-9.]+)").matcher(json);
        if (!iops.find()) {
            throw new IllegalStateException("no " + section + " iops in fio's output:\n" + json);
        }
        Matcher p50 = Pattern.compile("\"" + section + "\"\\s*:\\s*\\{.*?\"clat_ns\"\\s*:\\s*\\{.*?\"50\\.000000\"\\s*:\\s*([0-9]+)",
                Pattern.DOTALL).matcher(json);
        return new double[] {Double.parseDouble(iops.group(1)), p50.find() ? Long.parseLong(p50.group(1)) / 1e3 : Double.NaN};
    }

    private static void ensureFio() throws IOException, InterruptedException {
        try {
            exec(List.of("fio", "--version"));
            return;
        } catch (IOException e) {
            System.out.println("fio is missing: apt-get install -y fio");
        }
        exec(List.of("apt-get", "install", "-y", "fio"));
    }

    private static String exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(command + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
