package io.vstack.pods.internal;

import io.vstack.api.UserText;
import io.vstack.api.pod.ContainerRuntime;
import io.vstack.api.pod.ContainerSpec;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@code process} container runtime: a container is a real child process started from its argv
 * (no shell), whose executable must be on the allow-list (absolute paths, config key
 * {@code processAllow}; empty in the shipped configuration, so nothing runs). It runs in its
 * container's directory, with that directory as {@code HOME} and {@code TMPDIR}, an environment of
 * only those and {@code PATH=/usr/bin:/bin}, stdin from {@code /dev/null}, stdout and stderr
 * appended to {@code log}. Confinement is by working directory and environment only: the child has
 * the JVM user's rights.
 */
final class ProcessRuntime implements ContainerRuntime {

    private volatile Set<String> allowed;

    ProcessRuntime(Set<String> allowed) {
        this.allowed = Set.copyOf(allowed);
    }

    void setAllowed(Set<String> allowed) {
        this.allowed = Set.copyOf(allowed);
    }

    @Override
    public void check(ContainerSpec spec) {
        if (spec.command().isEmpty()) {
            throw new IllegalArgumentException("container " + spec.name()
                    + ": field 'command' must name an allowed executable for the process runtime");
        }
        String executable = spec.command().get(0);
        if (!allowed.contains(executable)) {
            throw new IllegalArgumentException("container " + spec.name() + ": field 'command': "
                    + UserText.quote(executable) + " is not on the allow-list (io.vstack.pods processAllow)");
        }
    }

    @Override
    public RunningContainer start(String podVm, ContainerSpec spec, Path directory) throws IOException {
        check(spec);
        Path log = directory.resolve("log");
        ProcessBuilder builder = new ProcessBuilder(List.copyOf(spec.command()))
                .directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", directory.toString());
        env.put("TMPDIR", directory.toString());
        env.put("VSTACK_POD_VM", podVm);
        Process process = builder.start();
        return new ProcessContainer(process);
    }

    private record ProcessContainer(Process process) implements RunningContainer {

        @Override
        public int exitCode() {
            return process.isAlive() ? -1 : process.exitValue();
        }

        @Override
        public void stop() {
            if (!process.isAlive()) {
                return;
            }
            process.destroy();
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
