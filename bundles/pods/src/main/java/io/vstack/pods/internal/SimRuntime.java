package io.vstack.pods.internal;

import io.vstack.api.pod.ContainerRuntime;
import io.vstack.api.pod.ContainerSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code sim} container runtime: a container is an in-JVM object, no thread and no process,
 * so that thousands fit in one JVM. It writes a start line and its argv (as {@code echo} would) to
 * its log file, then runs until stopped, when it writes a stop line. For scale tests.
 */
@Component(service = ContainerRuntime.class, property = ContainerRuntime.NAME_PROPERTY + "=sim")
public final class SimRuntime implements ContainerRuntime {

    @Override
    public RunningContainer start(String podVm, ContainerSpec spec, Path directory) throws IOException {
        Path log = directory.resolve("log");
        append(log, Instant.now() + " started " + spec.image() + " in " + podVm + "\n"
                + String.join(" ", spec.command()) + "\n");
        return new SimContainer(log);
    }

    private static void append(Path log, String text) throws IOException {
        Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static final class SimContainer implements RunningContainer {
        private final Path log;
        private volatile int exitCode = -1;

        SimContainer(Path log) {
            this.log = log;
        }

        @Override
        public int exitCode() {
            return exitCode;
        }

        @Override
        public synchronized void stop() {
            if (exitCode >= 0) {
                return;
            }
            exitCode = 0;
            try {
                if (Files.exists(log.getParent())) {
                    append(log, Instant.now() + " stopped\n");
                }
            } catch (IOException e) {
                // its directory is being removed with its pod: nothing left to write to
            }
        }
    }
}
