package io.vstack.api.pod;

/** Where a pod is in its life. */
public enum PodPhase {
    /** Not yet running: waiting for a host, for its pod VM or for its containers; the reason says which. */
    PENDING,
    /** Its pod VM runs and every container runs. */
    RUNNING,
    /** Every container exited with code 0. */
    SUCCEEDED,
    /** A container exited with another code or could not start; the reason says which. */
    FAILED
}
