package io.vstack.vm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.metrics.Metric;
import io.vstack.api.testing.FakeHosts;
import io.vstack.api.testing.InMemoryDiskManager;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.WorkloadSpec;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metric source {@code vm} over the real VM manager: a VM's state, guest writes, rate and stun as it runs. */
class VmMetricsTest {

    private static final long MIB = 1 << 20;
    private static final Map<String, String> VM1 = Map.of("vm", "vm1", "host", "esx1");

    @TempDir
    Path dir;

    private VmManager manager;
    private VmMetrics metrics;

    @BeforeEach
    void setUp() {
        manager = new VmManager(FakeHosts.withMemory(64 * MIB, "esx1"), dir, GuestRam.Order.MARK_AFTER_WRITE);
        manager.bindDisks(new InMemoryDiskManager());
        metrics = new VmMetrics(manager);
    }

    @AfterEach
    void tearDown() {
        manager.deactivate();
    }

    private double value(String name, Map<String, String> labels) {
        List<Metric> found = metrics.snapshot().stream().filter(m -> m.name().equals(name) && m.labels().equals(labels)).toList();
        assertEquals(1, found.size(), name + " " + labels + " in " + metrics.snapshot());
        return found.get(0).value();
    }

    private double state(String state) {
        Map<String, String> labels = new HashMap<>(VM1);
        labels.put("state", state);
        return value("state", labels);
    }

    @Test
    void stateGuestWritesRateAndStunFollowTheVm() throws Exception {
        assertEquals(List.of(), metrics.snapshot());
        manager.create(new VmSpec("vm1", "esx1", 8 * MIB, 1, List.of(), List.of(), WorkloadSpec.idle()));
        assertEquals(1, state("stopped"));
        assertEquals(0, state("running"));
        assertEquals(8 * MIB, value("memory", VM1));
        assertEquals(0, value("guest.writes", VM1));

        manager.start("vm1");
        assertEquals(1, state("running"));
        assertEquals(0, state("stopped"));
        manager.setWorkload("vm1", WorkloadSpec.idle().withRate(8 * MIB, 4 * MIB));
        assertEquals(8 * MIB, value("dirty.rate.configured", VM1));
        Eventually.await("guest writes in the vm source", () -> value("guest.writes", VM1) > 100);

        manager.suspend("vm1");
        assertEquals(1, state("suspended"));
        long stun = manager.vm("vm1").orElseThrow().lastStunNanos();
        assertTrue(stun >= 0);
        assertEquals(stun, value("stun.last", VM1));
        double writes = value("guest.writes", VM1);
        assertEquals(writes, value("guest.writes", VM1), "a suspended guest writes nothing");

        manager.stop("vm1");
        assertEquals(1, state("stopped"));
        manager.delete("vm1");
        assertEquals(List.of(), metrics.snapshot(), "a deleted VM has no figures");
    }
}
