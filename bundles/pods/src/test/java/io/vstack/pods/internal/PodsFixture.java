package io.vstack.pods.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.pod.PodStatus;
import io.vstack.api.testing.FakeHosts;
import io.vstack.vm.internal.GuestRam;
import io.vstack.vm.internal.VmManager;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real VM manager on fake hosts and a pod control plane over it, for one test. */
final class PodsFixture implements AutoCloseable {

    final VmManager vms;
    final PodControlPlane plane;

    PodsFixture(FakeHosts hosts, Path dir, PodControlPlane.Settings settings) {
        vms = new VmManager(hosts, dir.resolve("vms"), GuestRam.Order.MARK_AFTER_WRITE);
        plane = new PodControlPlane(hosts, vms, settings);
    }

    /** Waits (a generous bound only against hangs, no timing assertion) until pod {@code key} matches. */
    PodStatus await(String key, Predicate<PodStatus> condition) throws Exception {
        CountDownLatch latch = new CountDownLatch(1);
        PodStatus[] seen = new PodStatus[1];
        try (AutoCloseable watch = plane.watch(status -> {
            if (status.key().equals(key) && condition.test(status)) {
                seen[0] = status;
                latch.countDown();
            }
        })) {
            assertTrue(latch.await(60, TimeUnit.SECONDS), "pod " + key + " never reached the state; now "
                    + plane.pods().stream().filter(p -> p.key().equals(key)).toList());
        }
        return seen[0];
    }

    @Override
    public void close() throws InterruptedException {
        plane.deactivate();
        vms.deactivate();
    }
}
