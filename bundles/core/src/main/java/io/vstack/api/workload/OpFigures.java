package io.vstack.api.workload;

import java.util.Objects;

/**
 * What one kind of operation did during a run.
 *
 * @param ops     operations completed without error
 * @param bytes   bytes they moved
 * @param latency their latency distribution (also of those that failed)
 */
public record OpFigures(long ops, long bytes, LatencySummary latency) {

    /** Nothing done. */
    public static final OpFigures NONE = new OpFigures(0, 0, LatencySummary.EMPTY);

    /**
     * @throws IllegalArgumentException if a count is negative
     */
    public OpFigures {
        Objects.requireNonNull(latency, "latency");
        if (ops < 0 || bytes < 0) {
            throw new IllegalArgumentException("negative count: " + ops + " ops, " + bytes + " bytes");
        }
    }
}
