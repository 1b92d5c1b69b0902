package io.vstack.migration.internal;

import io.vstack.api.testing.FakeHosts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.metrics.Metric;
import io.vstack.api.migration.MigrationParams;
import io.vstack.api.migration.MigrationReport;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.WorkloadSpec;
import io.vstack.vm.internal.GuestRam;
import io.vstack.vm.internal.VmManager;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The migration metric source reads what real migrations report. */
class MigrationMetricsTest {

    @TempDir
    Path dir;

    @Test
    void afterTwoMigrationsTheSourceShowsTheirCountTheLastRunAndTheDowntimePercentiles() throws Exception {
        FakeHosts hosts = FakeHosts.withMemory(64 << 20, "esx1", "esx2");
        VmManager vms = new VmManager(hosts, dir.resolve("vms"), GuestRam.Order.MARK_AFTER_WRITE);
        MigrationManager migrations = new MigrationManager(new MigrationManager.Settings(InetAddress.getLoopbackAddress(), Map.of(),
                Map.of(), 100), hosts, vms, vms, dir.resolve("migrations"));
        hosts.hosts().forEach(migrations::addHost);
        try {
            MigrationMetrics metrics = new MigrationMetrics(migrations);
            assertEquals("migration", metrics.source());
            assertEquals(0.0, values(metrics).get("runs.completed"));
            vms.create(new VmSpec("vm1", "esx1", 8 << 20, 1, List.of(), List.of(), WorkloadSpec.idle()));
            vms.start("vm1");
            MigrationReport first = migrations.await(migrations.start("vm1", "esx2", MigrationParams.defaults()).id());
            MigrationReport second = migrations.await(migrations.start("vm1", "esx1", MigrationParams.defaults()).id());

            Map<String, Double> v = values(metrics);
            assertEquals(2.0, v.get("runs.completed"));
            assertEquals(0.0, v.get("runs.failed"));
            assertEquals((double) second.downtimeNanos(), v.get("last.downtime"));
            assertEquals((double) second.sourceDowntimeNanos(), v.get("last.downtime.source"));
            assertEquals((double) second.wireBytes(), v.get("last.wire.bytes"));
            assertEquals(1.0, v.get("last.digest.verified"));
            assertEquals((double) Math.max(first.downtimeNanos(), second.downtimeNanos()), v.get("downtime.max"));
            assertEquals((double) Math.max(first.downtimeNanos(), second.downtimeNanos()), v.get("downtime.p99"));
            assertEquals((double) Math.min(first.downtimeNanos(), second.downtimeNanos()), v.get("downtime.p50"));
            assertTrue(v.get("last.stream") > 0);
            List<Metric> history = metrics.snapshot().stream().filter(m -> m.name().equals("history.downtime")).toList();
            assertEquals(2, history.size());
            assertEquals((double) second.downtimeNanos(), history.get(1).value());
            assertEquals(second.status().id(), history.get(1).labels().get("migration"));
        } finally {
            migrations.deactivate();
            vms.deactivate();
        }
    }

    @Test
    void percentilesAreNearestRank() {
        long[] values = new long[100];
        for (int i = 0; i < 100; i++) {
            values[i] = i + 1;
        }
        assertEquals(50, MigrationMetrics.percentile(values, 50));
        assertEquals(99, MigrationMetrics.percentile(values, 99));
        assertEquals(7, MigrationMetrics.percentile(new long[] {7}, 99));
        assertThrows(IllegalArgumentException.class, () -> MigrationMetrics.percentile(new long[0], 50));
    }

    private static Map<String, Double> values(MigrationMetrics metrics) {
        return metrics.snapshot().stream().filter(m -> m.labels().isEmpty()).collect(Collectors.toMap(Metric::name, Metric::value));
    }
}
