package io.vstack.api.net;

import java.util.List;
import java.util.Objects;

/**
 * A VM moving between hosts.
 *
 * @param migrationId     the migration's id, the same in every call for one migration
 * @param vmId            the VM
 * @param sourceHost      where it runs before the move
 * @param destinationHost where it runs after
 * @param interfaces      its network interfaces
 */
public record MobilityEvent(String migrationId, String vmId, String sourceHost, String destinationHost,
                            List<VmInterface> interfaces) {

    /**
     * @throws IllegalArgumentException if source and destination are the same host
     */
    public MobilityEvent {
        Objects.requireNonNull(migrationId, "migrationId");
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(sourceHost, "sourceHost");
        Objects.requireNonNull(destinationHost, "destinationHost");
        if (sourceHost.equals(destinationHost)) {
            throw new IllegalArgumentException("VM " + vmId + " is already on host " + sourceHost);
        }
        interfaces = List.copyOf(interfaces);
    }
}
