package io.vstack.api.pod;

import java.io.IOException;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Runs containers inside a pod VM: the agent of each pod VM starts its pod's containers through
 * the runtime configured for the pods capability. Registered as a whiteboard service with
 * property {@value #NAME_PROPERTY}.
 */
@ConsumerType
public interface ContainerRuntime {

    /** Service property naming the runtime, such as {@code sim}. */
    String NAME_PROPERTY = "vstack.pod.runtime";

    /**
     * Refuses a container this runtime would not start (such as an executable outside its
     * allow-list), before the pod is recorded. Called on the caller of {@link PodService#apply}.
     *
     * @throws IllegalArgumentException one line naming the container and the field
     */
    default void check(ContainerSpec spec) {
    }

    /**
     * Starts a container. Its output goes to {@code directory/log}; the runtime keeps every file
     * it writes in {@code directory}, which the agent removes when the pod goes.
     *
     * @param podVm     the id of the pod VM it runs in
     * @param spec      the container
     * @param directory its own directory, existing and empty
     * @throws IOException if it cannot start; the message says why in one line
     */
    RunningContainer start(String podVm, ContainerSpec spec, Path directory) throws IOException;

    /** A started container. Thread-safe. */
    interface RunningContainer {

        /** Its exit code once it has exited, else -1. */
        int exitCode();

        /** Stops it (if still running) and releases what it holds; it exits. Idempotent. */
        void stop();
    }
}
