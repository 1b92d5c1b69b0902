package io.vstack.migration.internal;

import io.vstack.api.testing.FakeHosts;
import io.vstack.api.migration.MigrationParams;
import io.vstack.api.migration.MigrationReport;
import io.vstack.api.net.VmInterface;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.WorkloadPattern;
import io.vstack.api.vm.WorkloadSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vstack.benchmarks.datapath.DataPathFixture;
import io.vstack.benchmarks.plot.LinePlot;
import io.vstack.network.internal.BenchNetwork;
import io.vstack.network.internal.DatacenterController;
import io.vstack.network.internal.EniMoveProgrammer;
import io.vstack.network.internal.TrafficProbes;
import io.vstack.vm.internal.GuestRam;
import io.vstack.vm.internal.VmManager;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live-migration benchmark (docs/BENCHMARKS.md, "Live migration"), all in one run on loopback:
 * single-stream iperf3 as the peer; the stream rate of a 1 GiB VM whose every page holds data;
 * the total time of that VM migrating idle; downtime p50/p99 at a 20 ms limit over N migrations
 * for idle, 100 MB/s over 64 MiB and 1 GB/s over 1 GiB (destination-side t4−t0 and QEMU's
 * source-side t2−t0); the blackout a 1 ms traffic probe sees. Real VMs (vm bundle), the real
 * migration manager over TCP, the real network controller, one JVM, two simulated hosts.
 * <p>Lives in the migration bundle's package (on the plain class path of this module) to build
 * the manager without OSGi, as the trust benchmark does. Args: {@code outDir [runs] [sent|full|both] [extra channels]
 * [--plots DIR]}; with {@code --plots}, the first run of each workload with the default digest is drawn
 * iteration by iteration: {@code migration-precopy-pending.svg} (pages to send at each iteration's start) and
 * {@code migration-precopy-bandwidth.svg} (each iteration's stream rate).
 */
public final class MigrationBench {

    private static final long MIB = 1L << 20;
    private static final Duration PROBE_PERIOD = Duration.ofMillis(1);
    private static final long GIB = 1L << 30;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final VmInterface NIC = new VmInterface("eni-bench", "02:00:00:00:00:42", "net0", List.of("10.0.0.42"));
    private static final VmInterface PEER = new VmInterface("eni-peer", "02:00:00:00:00:43", "net0", List.of("10.0.0.43"));

    private MigrationBench() {
    }

    public static void main(String[] allArgs) throws Exception {
        List<String> positional = new ArrayList<>(List.of(allArgs));
        Path plots = LinePlot.plotsOption(positional);
        String[] args = positional.toArray(String[]::new);
        Path out = Path.of(args.length > 0 ? args[0] : "target/migration-bench");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String modes = args.length > 2 ? args[2] : "both"; // sent, full or both: how the switchover's digest is made
        int channels = args.length > 3 ? Integer.parseInt(args[3]) : 0; // extra page channels (--channels)
        Files.createDirectories(out);
        DataPathFixture.deleteTree(out.resolve("vms")); // the VM inventory of an earlier run
        System.out.println("date " + Instant.now() + "; " + uptime());
        System.out.println("jdk " + System.getProperty("java.version") + ", cores " + Runtime.getRuntime().availableProcessors());
        double iperf = iperf3();
        System.out.printf("P0 iperf3 single stream 127.0.0.1, 5 s: %.2f Gbit/s%n", iperf / 1e9);

        FakeHosts hosts = FakeHosts.withMemory(GIB + 256 * MIB, "esx1", "esx2");
        VmManager vms = new VmManager(hosts, out.resolve("vms"), GuestRam.Order.MARK_AFTER_WRITE);
        DatacenterController controller = DatacenterController.of("");
        BenchNetwork.attach(controller, NIC, "esx1", "bench");
        BenchNetwork.attach(controller, PEER, "esx1", "peer");
        TrafficProbes probes = new TrafficProbes(controller, vms);
        MigrationManager migrations = new MigrationManager(new MigrationManager.Settings(InetAddress.getLoopbackAddress(), Map.of(),
                Map.of(), 10_000), hosts, vms, vms, out.resolve("migrations"));
        hosts.hosts().forEach(migrations::addHost);
        migrations.addProgrammer(new EniMoveProgrammer(controller));
        migrations.addProgrammer(probes);
        try {
            vms.create(new VmSpec("peer", "esx1", 4 * MIB, 1, List.of(), List.of(PEER), WorkloadSpec.idle()));
            vms.start("peer");
            vms.create(new VmSpec("bench", "esx1", GIB, 2, List.of(), List.of(NIC), WorkloadSpec.idle()));
            vms.start("bench");
            fill(vms);
            // A simulated host backs its physical memory lazily (2 MiB regions on first use), which
            // real RAM does not need: one round trip backs both hosts' frames and warms the JIT.
            MigrationReport there = migrate(migrations, vms, MigrationParams.defaults());
            MigrationReport back = migrate(migrations, vms, MigrationParams.defaults());
            System.out.printf("warm-up round trip (backs the simulated hosts' memory): %.3f s, %.3f s%n",
                    there.totalNanos() / 1e9, back.totalNanos() / 1e9);
            probes.start("bench", "10.0.0.42", "10.0.0.43", PROBE_PERIOD);
            Map<String, MigrationReport> timelines = new LinkedHashMap<>();

            for (boolean verifyFull : new boolean[] {false, true}) {
                if (modes.equals(verifyFull ? "sent" : "full")) {
                    continue;
                }
                MigrationParams params = MigrationParams.defaults().withVerifyFullMemory(verifyFull).withChannels(channels);
                String tag = verifyFull ? "--verify-memory" : "sent-page digest (default)";
                System.out.println("== " + tag);
                MigrationReport first = migrate(migrations, vms, params);
                Map<String, Double> it0 = iteration0(first);
                double stream = it0.get("wireBytes") * 8e9 / it0.get("nanos");
                System.out.printf("P1 stream, 1 GiB of data pages, iteration 0 (%d pages raw): %.2f Gbit/s = %.0f %% of iperf3; "
                        + "whole run %.2f Gbit/s%n", (long) (double) it0.get("pagesRaw"), stream / 1e9, 100 * stream / iperf,
                        first.wireBytes() * 8.0 / first.totalNanos());
                System.out.printf("P3 idle 1 GiB VM (data in every page), total time: %.3f s (downtime %.2f ms, source-side %.2f ms)%n",
                        first.totalNanos() / 1e9, first.downtimeNanos() / 1e6, first.sourceDowntimeNanos() / 1e6);
                Map<String, MigrationReport> firsts = verifyFull ? new LinkedHashMap<>() : timelines;
                firsts.put("idle", scenario(migrations, vms, params, "P5 idle", WorkloadSpec.idle(), runs, iperf));
                firsts.put("100 MB/s over 64 MiB", scenario(migrations, vms, params, "P6 100 MB/s over 64 MiB",
                        new WorkloadSpec(100_000_000L, 64 * MIB, WorkloadPattern.UNIFORM, 0.99, 4096, 0, Duration.ofMillis(1)), runs, iperf));
                firsts.put("1 GB/s over 1 GiB", scenario(migrations, vms, params, "P8 1 GB/s over 1 GiB",
                        new WorkloadSpec(1_000_000_000L, GIB - 8 * MIB, WorkloadPattern.UNIFORM, 0.99, 4096, 0, Duration.ofMillis(1)), runs, iperf));
            }
            if (plots != null && !timelines.isEmpty()) {
                timelinePlots(timelines, plots);
            }
            System.out.println("date " + Instant.now() + "; " + uptime());
        } finally {
            probes.deactivate();
            migrations.deactivate();
            vms.deactivate();
        }
    }

    /** Writes every page of the VM (sequential full-page writes) so that no page is zero, then idles it. */
    private static void fill(VmManager vms) throws Exception {
        long pages = GIB / 4096;
        long start = vms.vm("bench").orElseThrow().guestWrites();
        vms.setWorkload("bench", new WorkloadSpec(8_000_000_000L, GIB - 8 * MIB, WorkloadPattern.SEQUENTIAL, 0.99, 4096, 0,
                Duration.ofMillis(1)));
        long t = System.nanoTime();
        while (vms.vm("bench").orElseThrow().guestWrites() - start < pages + 4096) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        vms.setWorkload("bench", WorkloadSpec.idle());
        System.out.printf("filled 1 GiB in %.2f s%n", (System.nanoTime() - t) / 1e9);
    }

    private static MigrationReport migrate(MigrationManager migrations, VmManager vms, MigrationParams params) throws Exception {
        VmInfo vm = vms.vm("bench").orElseThrow();
        String to = vm.host().equals("esx1") ? "esx2" : "esx1";
        MigrationReport r = migrations.await(migrations.start("bench", to, params).id());
        if (!r.digestVerified()) {
            throw new IllegalStateException("digest not verified");
        }
        return r;
    }

    /** Runs one workload's migrations, prints its figures and returns its first run. */
    private static MigrationReport scenario(MigrationManager migrations, VmManager vms, MigrationParams params, String name, WorkloadSpec w,
                                 int runs, double iperf) throws Exception {
        vms.setWorkload("bench", w);
        long[] down = new long[runs];
        long[] source = new long[runs];
        long[] total = new long[runs];
        long[] blackout = new long[runs];
        long[] tick = new long[runs];
        long[] stream = new long[runs];
        int unmeasured = 0;
        MigrationReport first = null;
        long w0 = vms.vm("bench").orElseThrow().guestWrites();
        long t0 = System.nanoTime();
        TimeUnit.SECONDS.sleep(1);
        double rate = (vms.vm("bench").orElseThrow().guestWrites() - w0) * (double) w.writeSize() / ((System.nanoTime() - t0) / 1e9);
        for (int i = 0; i < runs; i++) {
            MigrationReport r = migrate(migrations, vms, params);
            first = first == null ? r : first;
            down[i] = r.downtimeNanos();
            source[i] = r.sourceDowntimeNanos();
            total[i] = r.totalNanos();
            tick[i] = r.guestTickGapNanos();
            Map<String, Double> it0 = iteration0(r);
            stream[i] = (long) (it0.get("wireBytes") * 8e9 / it0.get("nanos")); // bit/s
            blackout[i] = r.blackoutNanos();
            if (blackout[i] < 0) {
                // The probe records a gap only past 2 periods (2 ms): no gap, so the blackout was shorter; count that bound.
                blackout[i] = 2 * PROBE_PERIOD.toNanos();
                unmeasured++;
            }
        }
        vms.setWorkload("bench", WorkloadSpec.idle());
        System.out.printf("%s (guest dirtied %.0f MB/s before migrating), %d runs: downtime p50 %.2f ms p99 %.2f ms max %.2f | source-side (QEMU) p50 %.2f p99 %.2f ms | "
                        + "guest tick gap p50 %.2f p99 %.2f ms | blackout p50 %.2f p99 %.2f ms (%d runs below 2 ms, counted as 2) | total p50 %.2f s p99 %.2f s | "
                        + "iteration-0 stream min %.2f p50 %.2f max %.2f Gbit/s (p50 %.0f %% of iperf3)%n",
                name, rate / 1e6, runs, ms(down, 50), ms(down, 99), ms(down, 100), ms(source, 50), ms(source, 99), ms(tick, 50), ms(tick, 99),
                ms(blackout, 50), ms(blackout, 99), unmeasured, ms(total, 50) / 1000, ms(total, 99) / 1000,
                ms(stream, 0) / 1e3, ms(stream, 50) / 1e3, ms(stream, 100) / 1e3, 100 * ms(stream, 50) * 1e6 / iperf);
        return first;
    }

    /**
     * The pre-copy iterations of one run per workload, from each run's JSON: pages to send at each
     * iteration's start (log scale; a sync that found no dirty page is drawn at 1) and each
     * iteration's stream rate; the legend gives each run's total time.
     */
    private static void timelinePlots(Map<String, MigrationReport> runs, Path dir) throws IOException {
        LinePlot pending = new LinePlot("Pre-copy: pages to send at each iteration's start",
                "iteration", "pages (log; 0 drawn at 1)").logY();
        LinePlot rate = new LinePlot("Pre-copy: stream rate of each iteration", "iteration", "Gbit/s").yFrom(0);
        for (Map.Entry<String, MigrationReport> run : runs.entrySet()) {
            JsonNode iterations = iterations(run.getValue());
            int n = iterations.size();
            double[] index = new double[n];
            double[] pages = new double[n];
            double[] gbits = new double[n];
            for (int i = 0; i < n; i++) {
                JsonNode it = iterations.get(i);
                index[i] = i;
                pages[i] = Math.max(1, it.path("dirtyPagesAtSync").asLong());
                long nanos = it.path("nanos").asLong();
                gbits[i] = nanos > 0 ? it.path("wireBytes").asLong() * 8.0 / nanos : 0;
            }
            String label = String.format(Locale.ROOT, "%s, %.2f s", run.getKey(), run.getValue().totalNanos() / 1e9);
            pending.series(label, index, pages);
            rate.series(label, index, gbits);
        }
        for (Map.Entry<String, LinePlot> plot : Map.of("migration-precopy-pending.svg", pending,
                "migration-precopy-bandwidth.svg", rate).entrySet()) {
            plot.getValue().write(dir.resolve(plot.getKey()));
            System.out.println("wrote " + dir.resolve(plot.getKey()));
        }
    }

    private static double ms(long[] values, int p) {
        long[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))] / 1e6;
    }

    /** The pre-copy iterations of the run, from its JSON (the sends between two dirty syncs). */
    private static JsonNode iterations(MigrationReport r) throws IOException {
        return JSON.readTree(r.metricsFile().orElseThrow().toFile()).path("iterations");
    }

    /** Figures of iteration 0 (every page sent once) from the run's JSON. */
    private static Map<String, Double> iteration0(MigrationReport r) throws IOException {
        JsonNode it = iterations(r).path(0);
        java.util.HashMap<String, Double> m = new java.util.HashMap<>();
        for (String key : List.of("pagesRaw", "wireBytes", "nanos")) {
            if (!it.path(key).isNumber()) {
                throw new IllegalStateException("no " + key + " in iteration 0 of " + r.metricsFile().orElseThrow());
            }
            m.put(key, it.path(key).asDouble());
        }
        return m;
    }

    /** Single-stream iperf3 on loopback for 5 s, in bit/s (also the peer of the replication benchmark). */
    public static double iperf3() throws Exception {
        Process server = new ProcessBuilder("iperf3", "-s", "-1", "-p", "5299").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            TimeUnit.MILLISECONDS.sleep(500);
            Process client = new ProcessBuilder("iperf3", "-c", "127.0.0.1", "-p", "5299", "-t", "5", "-J").redirectErrorStream(true).start();
            String json = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            client.waitFor();
            int at = json.indexOf("\"sum_received\"");
            Matcher m = Pattern.compile("\"bits_per_second\":\\s*([0-9.e+]+)").matcher(json.substring(at));
            if (at < 0 || !m.find()) {
                throw new IllegalStateException("iperf3 gave no result: " + json);
            }
            return Double.parseDouble(m.group(1));
        } finally {
            server.destroy();
        }
    }

    private static String uptime() throws Exception {
        Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return s.substring(s.indexOf("load average"));
    }
}
