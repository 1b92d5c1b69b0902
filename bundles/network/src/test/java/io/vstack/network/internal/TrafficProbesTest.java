package io.vstack.network.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.net.MobilityEvent;
import io.vstack.api.net.VmInterface;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmService;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.VmState;
import io.vstack.api.vm.WorkloadSpec;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A probe's frames stop when the VM's ENI leaves its host and resume when the VM runs where the ENI went. */
class TrafficProbesTest {

    private static final VmInterface NIC_A = new VmInterface("eni-a", "02:00:00:00:00:0a", "net0", List.of("10.0.0.10"));
    private static final VmInterface NIC_B = new VmInterface("eni-b", "02:00:00:00:00:0b", "net0", List.of("10.0.0.11"));

    private final DatacenterController controller = DatacenterController.of("");
    private final AtomicReference<String> hostOfA = new AtomicReference<>("esx1");
    private final TrafficProbes probes = new TrafficProbes(controller, vms());

    private VmService vms() {
        return (VmService) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {VmService.class}, (proxy, method, args) -> {
            if (method.getName().equals("vm")) {
                String id = (String) args[0];
                if (id.equals("a")) {
                    return Optional.of(vm("a", hostOfA.get(), NIC_A));
                }
                return id.equals("b") ? Optional.of(vm("b", "esx1", NIC_B)) : Optional.empty();
            }
            throw new UnsupportedOperationException(method.getName());
        });
    }

    private static VmInfo vm(String name, String host, VmInterface nic) {
        return new VmInfo(new VmSpec(name, host, 1 << 20, 1, List.of(), List.of(nic), WorkloadSpec.idle()), VmState.RUNNING, 0, 0, -1, -1);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    @AfterEach
    void tearDown() {
        probes.deactivate();
    }

    @Test
    void aMigrationSeesTheGapBetweenTheLastFrameBeforeTheMoveAndTheFirstAfter() throws Exception {
        for (VmInterface nic : List.of(NIC_A, NIC_B)) {
            controller.createEni(nic.eniId(), nic.network());
            controller.assignPrivateIps(nic.eniId(), nic.addresses(), false);
        }
        controller.attach("eni-a", "esx1", "a");
        controller.attach("eni-b", "esx1", "b");
        String id = probes.start("a", "10.0.0.10", "10.0.0.11", Duration.ofNanos(200_000)).id();
        await("frames delivered", () -> probes.list().get(0).delivered() > 20);

        MobilityEvent event = new MobilityEvent("m1", "a", "esx1", "esx2", List.of(NIC_A));
        probes.prepare(event);
        new EniMoveProgrammer(controller).reprogram(event);
        probes.reprogram(event);
        long droppedBefore = probes.list().get(0).dropped();
        await("frames dropped while the ENI is at esx2 and the VM still at esx1", () -> probes.list().get(0).dropped() > droppedBefore + 10);
        hostOfA.set("esx2");
        Map<String, Long> f = probes.figures(event);

        assertEquals(1L, f.get("probeResumed"));
        assertEquals(200_000L, f.get("probePeriodNanos"));
        assertTrue(f.get("firstDeliveredAfterNanos") > f.get("lastDeliveredBeforeNanos"), f.toString());
        assertEquals(f.get("firstDeliveredAfterNanos") - f.get("lastDeliveredBeforeNanos"), f.get("gapNanos"));
        assertTrue(f.get("framesLostInGap") > 10, f.toString());
        assertEquals("esx2", probes.list().get(0).lastHost().orElseThrow());
        assertEquals(Map.of(), probes.figures(event), "figures are given once per migration");
        assertEquals(Map.of(), probes.figures(new MobilityEvent("m2", "b", "esx1", "esx2", List.of(NIC_B))), "no probe of VM b");

        TrafficProbes.ProbeStatus stopped = probes.stop(id);
        assertEquals(stopped.sent(), stopped.delivered() + stopped.dropped());
        assertEquals(List.of(), probes.list());
    }

    @Test
    void badProbesAreRefusedInOneLine() {
        assertEquals("No VM named 'zz'; vm:list shows the VMs", assertThrows(IllegalArgumentException.class,
                () -> probes.start("zz", "10.0.0.10", "10.0.0.11", Duration.ofMillis(1))).getMessage());
        assertEquals("address 10.0.0.11 is not one of VM a's", assertThrows(IllegalArgumentException.class,
                () -> probes.start("a", "10.0.0.11", "10.0.0.10", Duration.ofMillis(1))).getMessage());
        assertEquals("period must be from 100us to 1s", assertThrows(IllegalArgumentException.class,
                () -> probes.start("a", "10.0.0.10", "10.0.0.11", Duration.ofNanos(10))).getMessage());
        assertEquals("No probe 'p9'; net:probe-list shows them", assertThrows(IllegalArgumentException.class,
                () -> probes.stop("p9")).getMessage());
    }
}
