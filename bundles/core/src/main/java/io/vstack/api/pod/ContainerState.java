package io.vstack.api.pod;

/** The state of one container in its pod VM. */
public enum ContainerState {
    /** Not started yet. */
    WAITING,
    /** Running. */
    RUNNING,
    /** Exited; its exit code says how. */
    EXITED
}
