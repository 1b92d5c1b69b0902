package io.vstack.api.workload;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a run did, measured. Rates are over the whole run ({@link #elapsed()}), which for a run
 * stopped early covers only the part that ran.
 *
 * @param diskId         the disk the run went to
 * @param spec           what was asked
 * @param elapsed        wall-clock time from the first I/O issued to the last completed
 * @param reads          the reads
 * @param writes         the writes
 * @param flushes        the flushes ({@link OpFigures#bytes()} is 0)
 * @param errors         I/Os that failed (with any {@link io.vstack.api.io.IoException})
 * @param verifiedBlocks blocks whose data was checked against what was written
 * @param verifyFailures blocks whose data did not match
 * @param failures       the first failures, in the order seen (at most {@link #MAX_FAILURES})
 * @param stopReason     why the run ended
 * @param failure        for {@link StopReason#FAILED}: the one-line reason
 * @param inFlight       requests still not completed when the run returned: a filter held them past
 *                       the run's deadline (plus a grace) or past an interrupt; their threads were
 *                       left to finish on their own and are not counted in the figures
 */
public record WorkloadResult(String diskId, WorkloadSpec spec, Duration elapsed, OpFigures reads, OpFigures writes,
                             OpFigures flushes, long errors, long verifiedBlocks, long verifyFailures,
                             List<Failure> failures, StopReason stopReason, Optional<String> failure, long inFlight) {

    /** The most failures a result lists; the counts cover them all. */
    public static final int MAX_FAILURES = 20;

    /**
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if a count is negative
     */
    public WorkloadResult {
        Objects.requireNonNull(diskId, "diskId");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(reads, "reads");
        Objects.requireNonNull(writes, "writes");
        Objects.requireNonNull(flushes, "flushes");
        Objects.requireNonNull(stopReason, "stopReason");
        Objects.requireNonNull(failure, "failure");
        failures = List.copyOf(failures);
        if (errors < 0 || verifiedBlocks < 0 || verifyFailures < 0 || inFlight < 0) {
            throw new IllegalArgumentException("negative count");
        }
    }

    /**
     * A result with no request left in flight (the constructor of version 1.0).
     *
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if a count is negative
     */
    public WorkloadResult(String diskId, WorkloadSpec spec, Duration elapsed, OpFigures reads, OpFigures writes,
                          OpFigures flushes, long errors, long verifiedBlocks, long verifyFailures,
                          List<Failure> failures, StopReason stopReason, Optional<String> failure) {
        this(diskId, spec, elapsed, reads, writes, flushes, errors, verifiedBlocks, verifyFailures, failures, stopReason,
                failure, 0);
    }

    /** Reads and writes completed. */
    public long ops() {
        return reads.ops() + writes.ops();
    }

    /** Bytes read and written. */
    public long bytes() {
        return reads.bytes() + writes.bytes();
    }

    /** Reads and writes per second over the run; 0 for a run that took no time. */
    public double iops() {
        return perSecond(ops());
    }

    /** MiB (2^20 bytes) read and written per second over the run; 0 for a run that took no time. */
    public double mibPerSecond() {
        return perSecond(bytes()) / (1 << 20);
    }

    private double perSecond(long count) {
        long nanos = elapsed.toNanos();
        return nanos <= 0 ? 0 : count * 1e9 / nanos;
    }

    /** Why a run ended. */
    public enum StopReason {
        /** It reached its op count, its duration, the end of its pass, or the end of its trace. */
        COMPLETED,
        /** The caller's thread was interrupted (Ctrl-C in the shell); the figures cover what ran. */
        INTERRUPTED,
        /**
         * It could not go on (the disk became unavailable, the trace turned out corrupt) or every
         * I/O it issued failed; see {@link #failure()}.
         */
        FAILED
    }

    /**
     * One failed I/O or verify failure.
     *
     * @param offset  byte offset on the disk
     * @param what    {@code read}, {@code write}, {@code flush} or {@code verify}
     * @param message what went wrong
     */
    public record Failure(long offset, String what, String message) {

        /**
         * @throws NullPointerException if a field is null
         */
        public Failure {
            Objects.requireNonNull(what, "what");
            Objects.requireNonNull(message, "message");
        }
    }
}
