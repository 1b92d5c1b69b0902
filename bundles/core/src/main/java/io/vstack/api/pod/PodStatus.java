package io.vstack.api.pod;

import java.util.List;
import java.util.Objects;

/**
 * A pod as it is now.
 *
 * @param spec       its desired state
 * @param phase      its phase
 * @param host       the host the scheduler placed it on; empty while unplaced
 * @param vm         the id of its pod VM (a VM of {@code io.vstack.api.vm}); empty while it has none
 * @param reason     why it is not {@link PodPhase#RUNNING}, one line; empty when running
 * @param containers its containers' states, in spec order
 */
public record PodStatus(PodSpec spec, PodPhase phase, String host, String vm, String reason,
                        List<ContainerStatus> containers) {

    /**
     * @throws NullPointerException if an argument is null
     */
    public PodStatus {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(vm, "vm");
        Objects.requireNonNull(reason, "reason");
        containers = List.copyOf(containers);
    }

    /** {@code namespace/name}. */
    public String key() {
        return spec.key();
    }
}
