package io.vstack.api.vm;

import java.util.Objects;

/**
 * A VM as it is now.
 *
 * @param spec              its configuration (name, host, memory, vCPUs, disks, interfaces, workload)
 * @param state             its power state
 * @param guestWrites       writes its guest made since it last started on this host
 * @param throttlePercent   vCPU throttle now (auto-converge), 0 when not throttled
 * @param lastStunNanos     how long the last stun took to park every vCPU; -1 if never stunned
 * @param lastTickGapNanos  the largest gap between two heartbeats the guest saw since it last
 *                          started or arrived on this host (guest-observed downtime); -1 if none yet
 */
public record VmInfo(VmSpec spec, VmState state, long guestWrites, int throttlePercent, long lastStunNanos,
                     long lastTickGapNanos) {

    /**
     * @throws NullPointerException if spec or state is null
     */
    public VmInfo {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(state, "state");
    }

    /** The VM's id (its name). */
    public String id() {
        return spec.name();
    }

    /** The host it runs on (for an {@link VmState#INCOMING} VM: the destination). */
    public String host() {
        return spec.host();
    }
}
