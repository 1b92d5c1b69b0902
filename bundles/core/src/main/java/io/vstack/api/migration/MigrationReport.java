package io.vstack.api.migration;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one finished migration; its full metrics (per iteration, downtime breakdown,
 * per channel) are in {@link #metricsFile()}, one JSON document.
 *
 * @param status               the final status
 * @param totalNanos           start to end
 * @param downtimeNanos        stun request at the source to vCPUs running at the destination (t4 − t0); -1 if none
 * @param sourceDowntimeNanos  QEMU's comparable figure: stun request to the source's last byte (t2 − t0); -1 if none
 * @param guestTickGapNanos    largest heartbeat gap the guest saw across the move; -1 if not measured
 * @param wireBytes            bytes on the wire, all channels, both directions
 * @param pagesRaw             pages sent with their bytes
 * @param pagesZero            pages sent as zero-page records
 * @param digestVerified       the destination's digest of all pages matched the source's
 * @param metricsFile          the JSON file with every figure of the run, if it could be written
 * @param blackoutNanos        the traffic gap a probe of the VM saw across the move, counted from the
 *                             stun request (since 1.1.0); -1 if no probe ran or it saw no gap longer
 *                             than two of its periods
 */
public record MigrationReport(MigrationStatus status, long totalNanos, long downtimeNanos, long sourceDowntimeNanos,
                              long guestTickGapNanos, long wireBytes, long pagesRaw, long pagesZero,
                              boolean digestVerified, Optional<Path> metricsFile, long blackoutNanos) {

    /**
     * @throws NullPointerException if status or metricsFile is null
     */
    public MigrationReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(metricsFile, "metricsFile");
    }

    /** A report without a blackout figure (the 1.0 form). */
    public MigrationReport(MigrationStatus status, long totalNanos, long downtimeNanos, long sourceDowntimeNanos,
                           long guestTickGapNanos, long wireBytes, long pagesRaw, long pagesZero, boolean digestVerified,
                           Optional<Path> metricsFile) {
        this(status, totalNanos, downtimeNanos, sourceDowntimeNanos, guestTickGapNanos, wireBytes, pagesRaw, pagesZero,
                digestVerified, metricsFile, -1);
    }
}
