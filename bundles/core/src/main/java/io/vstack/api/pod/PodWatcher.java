package io.vstack.api.pod;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of every change of a pod's status. Called on the thread that made the change (a pod-VM
 * controller or the caller of {@link PodService}); must return quickly and not call back into
 * {@link PodService#apply} or {@link PodService#delete}.
 */
@ConsumerType
public interface PodWatcher {

    /** The pod's status changed (it was applied, placed, started, or failed). */
    void changed(PodStatus status);

    /** The pod {@code key} ({@code namespace/name}) was deleted: its pod VM and files are gone. */
    default void deleted(String key) {
    }
}
