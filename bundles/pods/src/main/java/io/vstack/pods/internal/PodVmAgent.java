package io.vstack.pods.internal;

import io.vstack.api.pod.ContainerRuntime;
import io.vstack.api.pod.ContainerRuntime.RunningContainer;
import io.vstack.api.pod.ContainerSpec;
import io.vstack.api.pod.ContainerState;
import io.vstack.api.pod.ContainerStatus;
import io.vstack.api.pod.PodSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent of one pod VM: starts its pod's containers through the container runtime, each in its
 * own directory {@code <pod VM dir>/<container>}, and reports their states. It lives as long as
 * its pod VM runs; the controller makes a new one when the VM comes back. Used under its
 * controller's lock.
 */
final class PodVmAgent {

    private final String vm;
    private final PodSpec spec;
    private final Path directory;
    private final Map<String, RunningContainer> running = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private boolean alive = true;

    PodVmAgent(String vm, PodSpec spec, Path directory) {
        this.vm = vm;
        this.spec = spec;
        this.directory = directory;
    }

    boolean alive() {
        return alive;
    }

    /** Starts every container not started yet; a container that cannot start is reported with why. */
    void startContainers(ContainerRuntime runtime) {
        for (ContainerSpec container : spec.containers()) {
            if (running.containsKey(container.name())) {
                continue;
            }
            try {
                Path dir = Files.createDirectories(directory.resolve(container.name()));
                PodFiles.deleteContents(dir);
                running.put(container.name(), runtime.start(vm, container, dir));
                failures.remove(container.name());
            } catch (IOException | RuntimeException e) {
                failures.put(container.name(), "container " + container.name() + " did not start: " + e.getMessage());
            }
        }
    }

    /** Why a container is not running, or empty. */
    String failure() {
        return failures.values().stream().findFirst().orElse("");
    }

    List<ContainerStatus> statuses(Map<String, Integer> restarts) {
        List<ContainerStatus> out = new ArrayList<>();
        for (ContainerSpec container : spec.containers()) {
            RunningContainer c = running.get(container.name());
            int restarted = restarts.getOrDefault(container.name(), 0);
            if (c == null) {
                out.add(new ContainerStatus(container.name(), ContainerState.WAITING, -1, restarted));
            } else if (c.exitCode() >= 0) {
                out.add(new ContainerStatus(container.name(), ContainerState.EXITED, c.exitCode(), restarted));
            } else {
                out.add(new ContainerStatus(container.name(), ContainerState.RUNNING, -1, restarted));
            }
        }
        return out;
    }

    /** Stops every container; the agent is dead after this. */
    void stop() {
        alive = false;
        running.values().forEach(RunningContainer::stop);
        running.clear();
    }
}
