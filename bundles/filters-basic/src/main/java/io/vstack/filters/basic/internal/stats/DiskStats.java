package io.vstack.filters.basic.internal.stats;

import java.util.List;

/**
 * The figures of one disk's stats filter at one moment.
 *
 * @param diskId          the disk
 * @param sinceAttach     seconds since the filter was attached
 * @param intervalSeconds length of the interval the recent rates cover (see {@link StatsFilter})
 * @param ops             one entry per operation type, in {@link io.vstack.api.io.IoOp} order
 */
public record DiskStats(String diskId, double sinceAttach, double intervalSeconds, List<Op> ops) {

    /** Copies the list. */
    public DiskStats {
        ops = List.copyOf(ops);
    }

    /**
     * One operation type's figures.
     *
     * @param op          {@code read}, {@code write}, {@code flush} or {@code trim}
     * @param count       operations completed
     * @param bytes       bytes they moved
     * @param errors      operations that failed
     * @param iops        completed per second over the recent interval
     * @param averageIops completed per second since attach
     * @param mibPerSec   MiB per second over the recent interval
     * @param latency     latency distribution since attach, nanoseconds (failed ones included)
     */
    public record Op(String op, long count, long bytes, long errors, double iops, double averageIops, double mibPerSec,
                     Latency latency) {
    }
}
