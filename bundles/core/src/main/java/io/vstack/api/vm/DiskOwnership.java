package io.vstack.api.vm;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Hands a VM's virtual disks (on shared storage, never copied) from the source host to the
 * destination at a migration's switchover. Registered as a service by the disk manager; if none
 * is registered, a migration records that the ownership was not transferred.
 * <p><b>Threads.</b> Called on the migration thread, while the VM is stunned (inside the
 * downtime: be quick). May block on storage (flush, lease file).
 */
@ConsumerType
public interface DiskOwnership {

    /**
     * The source releases the disks (flushing what it holds) and the destination becomes their
     * recorded owner.
     *
     * @throws VmException if a disk cannot be handed over; the migration then fails and rolls back
     */
    void handOver(String vmId, List<String> diskIds, String fromHost, String toHost) throws VmException;

    /** Undoes {@link #handOver} after a failed switchover: the source owns the disks again. Idempotent. */
    void handBack(String vmId, List<String> diskIds, String fromHost, String toHost);
}
