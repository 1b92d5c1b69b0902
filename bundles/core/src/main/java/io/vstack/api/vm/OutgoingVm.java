package io.vstack.api.vm;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A running (or suspended) VM being moved away from its host, from
 * {@link VmMobility#migrateOut}. The VM keeps running while its pages are copied; dirty logging
 * is on from the moment this handle exists. Exactly one of {@link #complete} and {@link #abort}
 * ends it.
 * <p><b>Threads.</b> Called by the one migration thread that owns it, except {@link #setThrottle}
 * which any thread may call. Nothing blocks except {@link #stun} (until every vCPU is parked).
 */
@ProviderType
public interface OutgoingVm {

    /** The VM's configuration, as the destination must recreate it. */
    VmSpec spec();

    /** Whether the VM was running (true) or suspended (false) when the migration began. */
    boolean wasRunning();

    /** The guest memory (read-only views). */
    GuestMemory memory();

    /**
     * Harvests the dirty log into {@code bitmap} (one bit per page, 64 pages per word): each
     * word of the log is atomically swapped with 0 and OR-ed into the caller's word, so a write
     * that races the harvest is either in this harvest or the next, never lost.
     *
     * @param bitmap at least {@code ceil(pages / 64)} words
     * @return the number of pages the harvest found dirty
     */
    long harvestDirty(long[] bitmap);

    /**
     * Parks every vCPU at its next quantum boundary and returns how long that took. After it
     * returns, guest memory no longer changes until {@link #abort}.
     */
    Duration stun();

    /**
     * Throttles the vCPUs as QEMU's auto-converge does: each sleeps {@code p/(100-p)} × 10 ms
     * per 10 ms timeslice. 0 removes the throttle.
     *
     * @throws IllegalArgumentException unless {@code 0 <= percent <= 99}
     */
    void setThrottle(int percent);

    /** The vCPU state (registers of the guest model: counters, cursors, random state); call after {@link #stun}. */
    byte[] saveCpuState();

    /**
     * The VM runs at the destination now: ends the vCPUs here, gives the memory back to this
     * host, and removes the VM from this process's inventory unless the destination (in this same
     * process) has already taken it over.
     */
    void complete();

    /** The migration failed or was cancelled: throttle off, vCPUs resume here, the VM is as before. */
    void abort();
}
