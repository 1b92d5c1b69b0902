package io.vstack.api.vm;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A VM being received at a destination host, from {@link VmMobility#prepareIncoming}: its guest
 * memory is taken (pre-touched, zero) on the destination host and filled by the receiver.
 * Exactly one of {@link #activate} and {@link #abort} ends it.
 * <p><b>Threads.</b> Called by the migration's receiving threads; {@link #memory()} pages may be
 * written concurrently by several channels for different pages. Nothing blocks but
 * {@link #activate}, which starts the vCPUs.
 */
@ProviderType
public interface IncomingVm {

    /** The guest memory (writable views). */
    GuestMemory memory();

    /**
     * Loads the vCPU state and starts the VM here (running, or suspended if it was suspended):
     * it replaces the source's entry in this process's inventory and is persisted with the new host.
     *
     * @return {@link System#nanoTime()} when the vCPUs were released
     * @throws VmException if the state is malformed; the incoming VM is then aborted
     */
    long activate(byte[] cpuState, boolean running) throws VmException;

    /**
     * Waits up to {@code timeout} for the guest's first heartbeat here and returns the largest
     * gap between heartbeats it saw since it arrived — the downtime as the guest observed it.
     *
     * @return the gap in nanoseconds, or -1 if the guest has no heartbeat or none came in time
     * @throws InterruptedException if interrupted while waiting
     */
    long awaitGuestTickGap(java.time.Duration timeout) throws InterruptedException;

    /** The migration failed: gives the memory back to the destination host. Idempotent. */
    void abort();
}
