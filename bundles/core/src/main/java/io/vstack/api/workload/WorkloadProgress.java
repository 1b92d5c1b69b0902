package io.vstack.api.workload;

import java.time.Duration;
import java.util.Objects;

/**
 * Where a running workload stands: one report per second.
 *
 * @param elapsed        time since the run started
 * @param ops            reads and writes completed so far
 * @param bytes          bytes read and written so far
 * @param errors         I/Os that failed so far
 * @param verifyFailures reads whose data did not verify so far
 * @param iops           reads and writes per second over the interval since the previous report
 * @param mibPerSecond   MiB per second over the same interval
 */
public record WorkloadProgress(Duration elapsed, long ops, long bytes, long errors, long verifyFailures, double iops,
                               double mibPerSecond) {

    /**
     * @throws NullPointerException if {@code elapsed} is null
     */
    public WorkloadProgress {
        Objects.requireNonNull(elapsed, "elapsed");
    }
}
