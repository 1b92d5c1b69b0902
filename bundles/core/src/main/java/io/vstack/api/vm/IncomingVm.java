package io.vstack.api.vm;

import java.nio.ByteBuffer;
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

    /**
     * Post-copy: before {@link #activate}, marks the pages set in {@code missing} (one bit per page,
     * 64 pages per word) as not arrived. Once the VM runs, a vCPU touching a missing page calls
     * {@code handler} (the first one to touch it) and waits until {@link #placePage} puts it in
     * place. The other pages must already hold their final bytes.
     *
     * @throws VmException if this VM service cannot run a VM with missing pages, or after activate
     */
    default void expectPages(long[] missing, PageFaultHandler handler) throws VmException {
        throw new VmException("this VM service does not support post-copy");
    }

    /**
     * Post-copy: puts page {@code pfn} in place if it is still missing (its bytes from
     * {@code bytes}' position, {@link VmSpec#PAGE_SIZE} of them, or zeros if {@code bytes} is null)
     * and wakes the vCPUs waiting for it. A page already in place is left alone: the guest may have
     * written it since. Thread-safe: of concurrent calls for one page exactly one places it.
     *
     * @return true if the page was placed now, false if it was already there
     * @throws IllegalStateException unless {@link #expectPages} was called
     */
    default boolean placePage(long pfn, ByteBuffer bytes) {
        throw new IllegalStateException("post-copy is not enabled on this incoming VM");
    }

    /** Post-copy: pages still missing (0 when all arrived or without post-copy). */
    default long missingPages() {
        return 0;
    }

    /**
     * Post-copy: the pages still missing that a vCPU is waiting for (their requests may have been
     * lost with a broken connection and must be resent).
     */
    default long[] awaitedPages() {
        return new long[0];
    }

    /** The migration failed: gives the memory back to the destination host. Idempotent. */
    void abort();
}
