package io.vstack.pods.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.pod.ContainerSpec;
import io.vstack.api.testing.FakeHosts;
import io.vstack.api.pod.PodException;
import io.vstack.api.pod.PodPhase;
import io.vstack.api.pod.PodSpec;
import io.vstack.api.pod.PodStatus;
import io.vstack.api.pod.PodWatcher;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmState;
import io.vstack.vm.internal.VmManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodControlPlaneTest {

    private static final Duration RESYNC = Duration.ofMillis(100);

    @TempDir
    Path dir;
    private PodsFixture fixture;
    private VmManager vms;
    private PodControlPlane plane;

    @BeforeEach
    void setUp() {
        fixture = new PodsFixture(FakeHosts.withCpusAndMemory(8, 256L << 20, "h000", "h001", "h002", "h003"), dir,
                new PodControlPlane.Settings(RESYNC, "sim", dir.resolve("pods"), Set.of()));
        vms = fixture.vms;
        plane = fixture.plane;
        plane.addRuntime("sim", new SimRuntime());
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        fixture.close();
    }

    static PodSpec pod(String name, long cpuMillis, long memory) {
        return new PodSpec("default", name, List.of(
                new ContainerSpec("app", "busybox", List.of("echo", "hello", name), cpuMillis, memory)));
    }

    private PodStatus await(String key, Predicate<PodStatus> condition) throws Exception {
        return fixture.await(key, condition);
    }

    private static boolean running(PodStatus status) {
        return status.phase() == PodPhase.RUNNING;
    }

    @Test
    void applyingAHundredPodsRunsThemAllInPodVms() throws Exception {
        Set<String> running = ConcurrentHashMap.newKeySet();
        CountDownLatch all = new CountDownLatch(100);
        try (AutoCloseable watch = plane.watch(new PodWatcher() {
            @Override
            public void changed(PodStatus status) {
                if (status.phase() == PodPhase.RUNNING && running.add(status.key())) {
                    all.countDown();
                }
            }
        })) {
            for (int i = 0; i < 100; i++) {
                plane.apply(pod("p" + i, 250, 1 << 20));
            }
            assertTrue(all.await(60, TimeUnit.SECONDS), running.size() + " of 100 running");
        }
        assertEquals(100, plane.pods().stream().filter(p -> p.phase() == PodPhase.RUNNING).count());
        List<VmInfo> podVms = vms.vms().stream().filter(v -> v.id().startsWith("pod-")).toList();
        assertEquals(100, podVms.size());
        // spread by free memory: 25 per host
        assertEquals(Set.of(25L), Set.copyOf(podVms.stream().collect(java.util.stream.Collectors.groupingBy(
                VmInfo::host, java.util.stream.Collectors.counting())).values()));
        PodStatus one = plane.pod("default", "p7").orElseThrow();
        assertEquals("pod-default-p7", one.vm());
        assertTrue(plane.logs("default", "p7", "app", 4096).contains("echo hello p7"));
    }

    @Test
    void anInfeasiblePodStaysPendingWithAReasonAndGetsNoVm() throws Exception {
        PodStatus status = plane.apply(pod("huge", 9000, 1 << 20));
        assertEquals(PodPhase.PENDING, status.phase());
        assertTrue(status.reason().startsWith("no host has 9000m CPU and 1.0M free"), status.reason());
        PodStatus tooBig = plane.apply(pod("fat", 100, 1L << 30));
        assertTrue(tooBig.reason().contains("1.0G free"), tooBig.reason());
        plane.superviseOnce();
        assertEquals(PodPhase.PENDING, plane.pod("default", "huge").orElseThrow().phase());
        assertTrue(vms.vms().isEmpty());
    }

    @Test
    void aDuplicateNameIsRefusedAndChangesNothing() throws Exception {
        plane.apply(pod("web", 100, 1 << 20));
        await("default/web", PodControlPlaneTest::running);
        PodException e = assertThrows(PodException.class, () -> plane.apply(pod("web", 200, 2 << 20)));
        assertEquals("pod 'default/web' already exists: pod:delete it first", e.getMessage());
        assertEquals(100, plane.pod("default", "web").orElseThrow().spec().cpuMillis());
        assertEquals(1, vms.vms().size());
    }

    @Test
    void deleteLeavesNoVmAndNoFiles() throws Exception {
        plane.apply(pod("gone", 100, 1 << 20));
        await("default/gone", PodControlPlaneTest::running);
        Path podDir = dir.resolve("pods").resolve("pod-default-gone");
        assertTrue(Files.exists(podDir.resolve("app").resolve("log")));
        plane.delete("default", "gone");
        assertTrue(vms.vm("pod-default-gone").isEmpty());
        assertFalse(Files.exists(podDir));
        assertTrue(plane.pod("default", "gone").isEmpty());
        assertEquals("no pod 'default/gone'",
                assertThrows(PodException.class, () -> plane.delete("default", "gone")).getMessage());
    }

    @Test
    void aDeletedPodVmIsRecreatedAndAKilledControllerRestarted() throws Exception {
        PodStatus first = plane.apply(pod("tough", 100, 1 << 20));
        await("default/tough", PodControlPlaneTest::running);
        PodVmController controller = plane.controller(first.host());

        vms.delete("pod-default-tough");
        PodStatus back = await("default/tough", s -> running(s) && s.containers().get(0).restarts() == 1);
        assertTrue(vms.vm(back.vm()).isPresent());

        controller.crashForTest();
        while (controller.threadAlive()) {
            Thread.onSpinWait();
        }
        vms.stop("pod-default-tough");
        PodStatus again = await("default/tough", s -> running(s) && s.containers().get(0).restarts() == 2);
        assertTrue(controller.threadAlive());
        assertEquals(VmState.RUNNING, vms.vm(again.vm()).orElseThrow().state());

        controller.agent(first.spec()).stop();
        await("default/tough", s -> running(s) && s.containers().get(0).restarts() == 3);
    }
}
