package io.vstack.migration.internal;

import io.vstack.api.testing.FakeHosts;
import io.vstack.api.migration.MigrationMode;
import io.vstack.api.migration.MigrationParams;
import io.vstack.api.migration.MigrationReport;
import io.vstack.api.migration.PostcopyStats;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.WorkloadPattern;
import io.vstack.api.vm.WorkloadSpec;
import io.vstack.vm.internal.GuestRam;
import io.vstack.vm.internal.VmManager;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Post-copy fault latency and post-copy vs pre-copy on one dirtying workload: a VM migrated back
 * and forth between two hosts of this JVM over loopback TCP, alternating modes, each run with the
 * same workload. Prints one line per run and the load average before and after (docs/BENCHMARKS.md).
 * <pre>java -XX:MaxDirectMemorySize=4g -cp $CP io.vstack.migration.internal.PostcopyBench [memoryMiB] [rounds] [dirtyMiBps] [capMiBps]</pre>
 * {@code capMiBps}: the post-copy push cap ({@code --max-postcopy-bandwidth}), 0 = none (the default); the
 * pre-copy runs are not capped.
 */
public final class PostcopyBench {

    private PostcopyBench() {
    }

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long dirty = (args.length > 2 ? Long.parseLong(args[2]) : 256) << 20;
        long cap = (args.length > 3 ? Long.parseLong(args[3]) : 0) << 20;
        long memory = mib << 20;
        Path dir = Files.createTempDirectory("postcopy-bench");
        FakeHosts hosts = FakeHosts.withMemory(memory + (64L << 20), "esx1", "esx2");
        VmManager vms = new VmManager(hosts, dir.resolve("vms"), GuestRam.Order.MARK_AFTER_WRITE);
        MigrationManager migrations = new MigrationManager(new MigrationManager.Settings(InetAddress.getLoopbackAddress(), Map.of(),
                Map.of(), 1000), hosts, vms, vms, dir.resolve("migrations"));
        hosts.hosts().forEach(migrations::addHost);
        // Writes of 8 bytes at random pages of all touched memory (zero fraction 0): the guest
        // touches pages everywhere, so in post-copy most of its writes hit pages not yet pushed.
        WorkloadSpec workload = new WorkloadSpec(dirty, 0, WorkloadPattern.UNIFORM, 0.99, 8, 0.0, Duration.ofMillis(1));
        vms.create(new VmSpec("bench", "esx1", memory, 2, List.of(), List.of(), workload));
        vms.start("bench");
        System.out.printf(Locale.ROOT, "# %s, JDK %s, %d cores, VM %d MiB, 2 vCPUs, uniform 8 B writes at %d MiB/s over all memory, "
                + "post-copy push cap %s%n", Instant.now(), System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), mib,
                dirty >> 20, cap == 0 ? "none" : (cap >> 20) + " MiB/s");
        System.out.println("# load average before: " + Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println("mode      total_ms  downtime_ms  src_downtime_ms  wire_MiB  faults  fault_p50_us  fault_p99_us  fault_max_us  requested  pushed  digest");
        String[] hostsInTurn = {"esx2", "esx1"};
        // As in MigrationBench: a simulated host backs its memory lazily (real RAM does not), and
        // the first migration also pays for the JIT; one pre-copy round trip, not counted, pays both.
        for (String host : hostsInTurn) {
            MigrationReport warm = migrations.await(migrations.start("bench", host, MigrationParams.defaults()).id());
            System.out.printf(Locale.ROOT, "# warm-up pre-copy to %s: %.1f ms%n", host, warm.totalNanos() / 1e6);
        }
        int run = 0;
        for (int r = 0; r < rounds; r++) {
            for (MigrationMode mode : new MigrationMode[] {MigrationMode.POSTCOPY, MigrationMode.PRECOPY}) {
                Thread.sleep(1000); // the guest dirties at its rate again before each run
                MigrationParams params = MigrationParams.defaults().withMode(mode).withVerifyFullMemory(false).withMaxPostcopyBandwidth(cap);
                MigrationReport rep = migrations.await(migrations.start("bench", hostsInTurn[run++ % 2], params).id());
                PostcopyStats pc = rep.status().postcopy();
                System.out.printf(Locale.ROOT, "%-8s  %8.1f  %11.2f  %15.2f  %8d  %6d  %12.1f  %12.1f  %12.1f  %9d  %6d  %s%n",
                        mode.name().toLowerCase(Locale.ROOT), rep.totalNanos() / 1e6, rep.downtimeNanos() / 1e6,
                        rep.sourceDowntimeNanos() / 1e6, rep.wireBytes() >> 20, pc.faults(), pc.faultP50Nanos() / 1e3,
                        pc.faultP99Nanos() / 1e3, pc.faultMaxNanos() / 1e3, pc.pagesRequested(), pc.pagesPushed(),
                        rep.digestVerified() ? "verified" : "FAILED");
            }
        }
        System.out.println("# load average after: " + Files.readString(Path.of("/proc/loadavg")).trim());
        migrations.deactivate();
        vms.deactivate();
    }
}
