package io.vstack.api.workload;

import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.io.IoException;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs workloads on virtual disks. A service; needs no disk manager (the caller finds the disk).
 * <p><b>Threads.</b> Thread-safe; several runs may go at once. {@link #run} blocks the calling
 * thread for the whole run and issues the I/O on {@link WorkloadSpec#threads()} threads of its
 * own (named {@code vstack-workload-<disk>-<n>}), which it stops before it returns.
 * <p><b>Cost.</b> In steady state a run allocates nothing per I/O: buffers are direct and made
 * per thread up front, random draws come from a per-thread generator, latencies go into
 * per-thread histograms.
 */
@ProviderType
public interface WorkloadRunner {

    /**
     * Opens a handle on {@code disk} (origin {@code workload}), runs {@code spec} through the
     * disk's whole filter chain, closes the handle and returns the figures.
     * <p>Failed I/Os are counted and the run goes on, except when the disk becomes unavailable
     * or a trace turns out corrupt: then the run stops with {@link WorkloadResult.StopReason#FAILED}.
     * If the calling thread is interrupted, the run stops cleanly, the partial result is
     * returned with {@link WorkloadResult.StopReason#INTERRUPTED}, and the thread's interrupt
     * status is set again. A run that issued I/Os of which none succeeded ends
     * {@link WorkloadResult.StopReason#FAILED}. The run waits for its threads at most a second
     * past its {@link WorkloadSpec#duration()} or the interrupt; requests a filter still holds
     * then are counted in {@link WorkloadResult#inFlight()} and their threads (interrupted) left
     * to end on their own.
     *
     * @param progress called on the calling thread about once per second while the run goes on
     * @throws IllegalArgumentException with a one-line message if the spec does not fit the disk
     *         (block size not a multiple of the disk's, region larger than the disk), needs more
     *         direct memory or heap than the distribution can spare (checked before anything is
     *         taken; see {@code MemoryBudget}), or the trace file cannot be opened
     * @throws IoException if the disk cannot be opened
     */
    WorkloadResult run(VirtualDisk disk, WorkloadSpec spec, Consumer<WorkloadProgress> progress) throws IoException;

    /**
     * As {@link #run(VirtualDisk, WorkloadSpec, Consumer)}, but the handle is opened at filter
     * {@code targetFilter} ({@link VirtualDisk#openAt}): the run's I/O enters the disk's chain
     * there and passes only that filter and the filters below it. A null {@code targetFilter}
     * is the whole chain.
     *
     * @throws IllegalArgumentException with a one-line message if {@code targetFilter} is not
     *         attached to the disk, or as {@link #run(VirtualDisk, WorkloadSpec, Consumer)}
     * @since 1.2
     */
    WorkloadResult run(VirtualDisk disk, String targetFilter, WorkloadSpec spec, Consumer<WorkloadProgress> progress)
            throws IoException;
}
