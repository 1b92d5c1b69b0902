package io.vstack.api.pod;

import java.util.Objects;

/**
 * One container as its pod VM's agent last reported it.
 *
 * @param name     the container's name
 * @param state    its state
 * @param exitCode its exit code when {@link ContainerState#EXITED}, else -1
 * @param restarts how many times the agent started it again (after its pod VM came back)
 */
public record ContainerStatus(String name, ContainerState state, int exitCode, int restarts) {

    /**
     * @throws NullPointerException if name or state is null
     */
    public ContainerStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }
}
