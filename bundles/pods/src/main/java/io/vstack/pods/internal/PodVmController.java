package io.vstack.pods.internal;

import io.vstack.api.pod.ContainerRuntime;
import io.vstack.api.pod.ContainerState;
import io.vstack.api.pod.ContainerStatus;
import io.vstack.api.pod.PodPhase;
import io.vstack.api.pod.PodSpec;
import io.vstack.api.pod.PodStatus;
import io.vstack.api.vm.VmException;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmService;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.VmState;
import io.vstack.api.vm.WorkloadPattern;
import io.vstack.api.vm.WorkloadSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod-VM controller of one host: a thread ({@code vstack-pods-<host>}) that reconciles the
 * pods placed on its host with what exists, when woken and every resync period: it creates and
 * starts each pod's VM through the VM service, gives it an agent that starts its containers, and
 * reports the pod's status; it starts a stopped pod VM again and recreates a deleted one. Reconcile
 * and teardown are serialized by the controller's lock.
 */
final class PodVmController {

    private static final Logger LOG = LoggerFactory.getLogger(PodVmController.class);

    /** The control plane as a controller sees it. */
    interface Plane {
        List<PodSpec> placedOn(String host);

        ContainerRuntime runtime();

        String runtimeName();

        void report(PodStatus status);

        void unplace(PodSpec spec, String reason);
    }

    /**
     * What a pod VM's guest does: no writes of its own (its containers run in the agent), and a
     * heartbeat every 10 ms rather than the 1 ms default, so that a thousand pod VMs' vCPUs do not
     * wake a million times a second.
     */
    static final WorkloadSpec GUEST = new WorkloadSpec(0, 0, WorkloadPattern.UNIFORM, 0.99, 8, 0,
            Duration.ofMillis(10));

    private final String host;
    private final Plane plane;
    private final VmService vms;
    private final Path root;
    private final Semaphore wake = new Semaphore(0);
    private final Map<String, PodVmAgent> agents = new HashMap<>();
    private final Map<String, Map<String, Integer>> restarts = new HashMap<>();
    private volatile Duration resync;
    private volatile Thread thread;
    private volatile boolean stopping;
    private volatile boolean crash;

    PodVmController(String host, Plane plane, VmService vms, Path root, Duration resync) {
        this.host = host;
        this.plane = plane;
        this.vms = vms;
        this.root = root;
        this.resync = resync;
    }

    static String vmName(PodSpec spec) {
        return "pod-" + spec.namespace() + "-" + spec.name();
    }

    Path directory(PodSpec spec) {
        return root.resolve(vmName(spec));
    }

    void setResync(Duration resync) {
        this.resync = resync;
        wake();
    }

    /** Starts (or restarts, if it died) its thread. */
    synchronized void ensureRunning() {
        if (stopping || (thread != null && thread.isAlive())) {
            return;
        }
        if (thread != null) {
            LOG.warn("pod-VM controller of host {} had died; restarting it", host);
        }
        crash = false;
        Thread t = new Thread(this::loop, "vstack-pods-" + host);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    boolean threadAlive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** Makes its thread die at its next wake-up, as an uncaught error would: for tests of the supervisor. */
    void crashForTest() {
        crash = true;
        wake();
    }

    void wake() {
        wake.release();
    }

    void stop() throws InterruptedException {
        Thread t;
        synchronized (this) {
            stopping = true;
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            t.join(10_000);
        }
    }

    private void loop() {
        try {
            while (!stopping) {
                if (wake.tryAcquire(resync.toNanos(), TimeUnit.NANOSECONDS)) {
                    wake.drainPermits();
                }
                if (crash) {
                    throw new IllegalStateException("controller of " + host + " crashed on request");
                }
                if (!stopping) {
                    try {
                        reconcile();
                    } catch (RuntimeException e) {
                        LOG.warn("pod-VM controller of host {}: {}", host, e.toString());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One reconcile pass over the pods placed on this host. */
    synchronized void reconcile() {
        List<PodSpec> desired = plane.placedOn(host);
        Set<String> wanted = desired.stream().map(PodVmController::vmName).collect(Collectors.toSet());
        for (String vm : Set.copyOf(agents.keySet())) {
            if (!wanted.contains(vm)) {
                agents.remove(vm).stop();
            }
        }
        for (PodSpec spec : desired) {
            reconcile(spec);
        }
    }

    private void reconcile(PodSpec spec) {
        String vm = vmName(spec);
        ContainerRuntime runtime = plane.runtime();
        if (runtime == null) {
            report(spec, PodPhase.PENDING, "", "no container runtime " + plane.runtimeName() + " is installed", List.of());
            return;
        }
        PodVmAgent agent = agents.get(vm);
        try {
            VmInfo info = vms.vm(vm).orElse(null);
            if (info == null || info.state() == VmState.STOPPED) {
                dropAgent(vm, agent);
                agent = null;
            }
            if (info == null) {
                info = vms.create(new VmSpec(vm, host, vmMemory(spec), vcpus(spec), List.of(), List.of(), GUEST));
            }
            if (info.state() == VmState.STOPPED) {
                info = vms.start(vm);
            }
            if (info.state() != VmState.RUNNING) {
                report(spec, PodPhase.PENDING, vm, "pod VM " + vm + " is " + info.state().name().toLowerCase(), List.of());
                return;
            }
        } catch (VmException | IllegalArgumentException e) {
            dropAgent(vm, agent);
            plane.unplace(spec, "pod VM on " + host + ": " + e.getMessage());
            return;
        }
        if (agent != null && !agent.alive()) {
            dropAgent(vm, agent);
            agent = null;
        }
        if (agent == null) {
            agent = new PodVmAgent(vm, spec, directory(spec));
            agents.put(vm, agent);
        }
        agent.startContainers(runtime);
        List<ContainerStatus> containers = agent.statuses(restarts.getOrDefault(vm, Map.of()));
        String failure = agent.failure();
        ContainerStatus exited = containers.stream()
                .filter(c -> c.state() == ContainerState.EXITED && c.exitCode() != 0).findFirst().orElse(null);
        boolean allDone = containers.stream().allMatch(c -> c.state() == ContainerState.EXITED);
        if (!failure.isEmpty()) {
            report(spec, PodPhase.FAILED, vm, failure, containers);
        } else if (allDone && exited == null) {
            report(spec, PodPhase.SUCCEEDED, vm, "every container exited with code 0", containers);
        } else if (exited != null) {
            report(spec, PodPhase.FAILED, vm, "container " + exited.name() + " exited with code " + exited.exitCode(),
                    containers);
        } else {
            report(spec, PodPhase.RUNNING, vm, "", containers);
        }
    }

    /** The agent of pod VM {@code vm} died with it: counts a restart of each of its containers. */
    private void dropAgent(String vm, PodVmAgent agent) {
        if (agent == null) {
            return;
        }
        agent.stop();
        agents.remove(vm);
        Map<String, Integer> counts = restarts.computeIfAbsent(vm, v -> new HashMap<>());
        agentContainers(agent).forEach(c -> counts.merge(c, 1, Integer::sum));
    }

    private static List<String> agentContainers(PodVmAgent agent) {
        return agent.statuses(Map.of()).stream().map(ContainerStatus::name).toList();
    }

    /** The agent of {@code spec}'s pod VM, if it has one now: for tests that kill it. */
    synchronized PodVmAgent agent(PodSpec spec) {
        return agents.get(vmName(spec));
    }

    /** Stops the pod's containers, deletes its pod VM and its files. */
    synchronized void teardown(PodSpec spec) throws IOException {
        String vm = vmName(spec);
        PodVmAgent agent = agents.remove(vm);
        if (agent != null) {
            agent.stop();
        }
        restarts.remove(vm);
        if (vms.vm(vm).isPresent()) {
            try {
                vms.delete(vm);
            } catch (VmException e) {
                throw new IOException("pod VM " + vm + " not deleted: " + e.getMessage(), e);
            }
        }
        PodFiles.deleteTree(directory(spec));
    }

    private void report(PodSpec spec, PodPhase phase, String vm, String reason, List<ContainerStatus> containers) {
        plane.report(new PodStatus(spec, phase, host, vm, reason, containers));
    }

    /** The pod VM's memory: its containers' requests, rounded up to whole pages. */
    static long vmMemory(PodSpec spec) {
        long pages = (spec.memoryBytes() + VmSpec.PAGE_SIZE - 1) / VmSpec.PAGE_SIZE;
        return pages * VmSpec.PAGE_SIZE;
    }

    /** The pod VM's vCPUs: its containers' CPU requests, rounded up to whole CPUs (1 to 64). */
    static int vcpus(PodSpec spec) {
        return (int) Math.max(1, Math.min(64, (spec.cpuMillis() + 999) / 1000));
    }
}
