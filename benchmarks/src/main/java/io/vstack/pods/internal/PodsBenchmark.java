package io.vstack.pods.internal;

import io.vstack.api.pod.ContainerSpec;
import io.vstack.api.pod.PodPhase;
import io.vstack.api.pod.PodSpec;
import io.vstack.api.pod.PodStatus;
import io.vstack.api.pod.PodWatcher;
import io.vstack.api.testing.FakeHosts;
import io.vstack.api.vm.VmSpec;
import io.vstack.vm.internal.GuestRam;
import io.vstack.vm.internal.VmManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Pods with the sim runtime on the real VM manager: {@code createToRunning} applies one pod and
 * waits until a watcher sees it RUNNING (its pod VM created and started through the VM service,
 * its agent started its container); its peer {@code vmCreateStart} creates and starts a bare VM
 * of the same size. {@code reconcile} applies {@code pods} pods on {@code hosts} hosts and waits
 * until all are RUNNING.
 */
@State(Scope.Benchmark)
public class PodsBenchmark {

    private static final long POD_MEMORY = 256 << 10;

    @Param({"100"})
    int hosts;

    @Param({"1000"})
    int pods;

    private Path dir;
    private VmManager vms;
    private PodControlPlane plane;
    private int next;
    private String lastPod;
    private String lastVm;

    @Setup(Level.Iteration)
    public void setUp() {
        dir = Path.of(System.getProperty("vstack.bench.dir", "target/pods-jmh"))
                .resolve(ProcessHandle.current().pid() + "-" + System.nanoTime());
        String[] names = IntStream.range(0, hosts).mapToObj(i -> String.format("h%03d", i)).toArray(String[]::new);
        FakeHosts registry = FakeHosts.withCpusAndMemory(8, 64L << 20, names);
        vms = new VmManager(registry, dir.resolve("vms"), GuestRam.Order.MARK_AFTER_WRITE);
        plane = new PodControlPlane(registry, vms,
                new PodControlPlane.Settings(Duration.ofSeconds(5), "sim", dir.resolve("pods"), Set.of()));
        plane.addRuntime("sim", new SimRuntime());
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws Exception {
        plane.deactivate();
        vms.deactivate();
        PodFiles.deleteTree(dir);
    }

    private static PodSpec pod(String name) {
        return new PodSpec("bench", name, List.of(new ContainerSpec("app", "busybox", List.of("echo", name), 100,
                POD_MEMORY)));
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public PodStatus createToRunning() throws Exception {
        String name = "p" + next++;
        CountDownLatch running = new CountDownLatch(1);
        PodStatus[] seen = new PodStatus[1];
        try (AutoCloseable watch = plane.watch(status -> {
            if (status.spec().name().equals(name) && status.phase() == PodPhase.RUNNING) {
                seen[0] = status;
                running.countDown();
            }
        })) {
            plane.apply(pod(name));
            if (!running.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("pod " + name + " not running: " + plane.pod("bench", name));
            }
        }
        lastPod = name;
        return seen[0];
    }

    @TearDown(Level.Invocation)
    public void deleteLast() throws Exception {
        if (lastPod != null) {
            plane.delete("bench", lastPod);
            lastPod = null;
        }
        if (lastVm != null) {
            vms.delete(lastVm);
            lastVm = null;
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Object vmCreateStart() throws Exception {
        String name = "vm" + next++;
        vms.create(new VmSpec(name, "h000", POD_MEMORY, 1, List.of(), List.of(), PodVmController.GUEST));
        lastVm = name;
        return vms.start(name);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int reconcile() throws Exception {
        Set<String> running = ConcurrentHashMap.newKeySet();
        CountDownLatch all = new CountDownLatch(pods);
        try (AutoCloseable watch = plane.watch(new PodWatcher() {
            @Override
            public void changed(PodStatus status) {
                if (status.phase() == PodPhase.RUNNING && running.add(status.key())) {
                    all.countDown();
                }
            }
        })) {
            for (int i = 0; i < pods; i++) {
                plane.apply(pod("r" + i));
            }
            if (!all.await(300, TimeUnit.SECONDS)) {
                throw new IllegalStateException(running.size() + " of " + pods + " running");
            }
        }
        return running.size();
    }
}
