package io.vstack.api.vm;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a live-migration mechanism needs from the VM service: an outgoing handle on the source
 * and an incoming VM on the destination. Implemented by the same bundle as {@link VmService}.
 * <p><b>Threads.</b> Thread-safe. {@code prepareIncoming} blocks while it takes and pre-touches
 * the destination memory.
 */
@ProviderType
public interface VmMobility {

    /**
     * Marks a running or suspended VM as migrating to {@code destinationHost} and turns its dirty
     * log on. A second migration of the same VM is refused until this one completes or aborts.
     *
     * @throws VmException if the VM is unknown, stopped, already migrating, or already on that host
     */
    OutgoingVm migrateOut(String vmId, String destinationHost) throws VmException;

    /**
     * Takes guest memory for {@code spec} on {@code spec.host()} (the destination) for a VM
     * arriving from another host.
     *
     * @throws VmException if the host is unknown or lacks free frames, or a VM with that id
     *                     exists here and is not migrating to that host
     */
    IncomingVm prepareIncoming(VmSpec spec) throws VmException;
}
