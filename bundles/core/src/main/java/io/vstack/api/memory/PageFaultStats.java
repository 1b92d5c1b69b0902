package io.vstack.api.memory;

import java.util.List;
import java.util.Objects;

/**
 * Page-fault counters of an {@link AddressSpace} since it was made, and a latency histogram of
 * its handled faults.
 *
 * @param demandFaults     faults that gave a page a new zeroed frame
 * @param swapInFaults     faults that read a reclaimed page back
 * @param protectionFaults accesses refused with a {@link ProtectionViolationException}
 * @param unmappedFaults   accesses refused with an {@link UnmappedAddressException}
 * @param reclaimedPages   pages reclaimed to the swap file
 * @param latencyBuckets   timed handled faults by duration: bucket {@code i} counts faults that took
 *                         [2^i, 2^(i+1)) ns (bucket 0 also counts 0 ns); one in
 *                         {@link #TIMING_SAMPLE} faults is timed
 */
public record PageFaultStats(long demandFaults, long swapInFaults, long protectionFaults, long unmappedFaults,
                             long reclaimedPages, List<Long> latencyBuckets) {

    /** One in this many handled faults is timed for the histogram (timing costs as much as a fault). */
    public static final int TIMING_SAMPLE = 16;

    /**
     * @throws NullPointerException if the buckets are null
     */
    public PageFaultStats {
        latencyBuckets = List.copyOf(Objects.requireNonNull(latencyBuckets, "latencyBuckets"));
    }

    /** Handled faults: demand and swap-in. */
    public long handledFaults() {
        return demandFaults + swapInFaults;
    }
}
