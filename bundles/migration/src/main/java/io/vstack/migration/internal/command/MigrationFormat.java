package io.vstack.migration.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.Durations;
import io.vstack.api.migration.MigrationStatus;
import io.vstack.api.migration.PostcopyStats;
import java.time.Duration;
import java.util.Locale;

/** How migrate: commands print figures. */
final class MigrationFormat {

    private MigrationFormat() {
    }

    static String nanos(long nanos) {
        return nanos < 0 ? "-" : Durations.format(Duration.ofNanos(nanos));
    }

    static String bytes(long bytes) {
        return ByteSize.ofBytes(Math.max(0, bytes)).toHumanString();
    }

    static String rate(long bytesPerSecond) {
        return String.format(Locale.ROOT, "%.2f Gbit/s", bytesPerSecond * 8 / 1e9);
    }

    /** The progress line: iteration, pending, bandwidth, expected downtime. */
    static String progress(MigrationStatus s) {
        return String.format(Locale.ROOT, "%s %s %s→%s %-10s iteration %d, pending %s, bandwidth %s, expected downtime %s, throttle %d%%",
                s.id(), s.vmId(), s.sourceHost(), s.destinationHost(), s.phase().name().toLowerCase(Locale.ROOT), s.iteration(),
                bytes(s.pendingBytes()), rate(s.bandwidthBytesPerSecond()), nanos(s.expectedDowntimeNanos()), s.throttlePercent())
                + (s.postcopy().switched() ? ", " + postcopy(s.postcopy()) : "");
    }

    /** Post-copy in a few words: faults (count, p50/p99), pages requested/pushed, recoveries. */
    static String postcopy(PostcopyStats p) {
        if (!p.switched()) {
            return "-";
        }
        return String.format(Locale.ROOT, "post-copy after %s: %d faults (p50 %s, p99 %s), %d pages requested, %d pushed, %d recoveries",
                nanos(p.switchedAfterNanos()), p.faults(), nanos(p.faultP50Nanos()), nanos(p.faultP99Nanos()), p.pagesRequested(),
                p.pagesPushed(), p.recoveries());
    }

    /** The faults column: count (p50/p99). */
    static String faults(PostcopyStats p) {
        if (!p.switched()) {
            return "-";
        }
        return p.faults() + (p.faultP99Nanos() < 0 ? "" : " (p50 " + nanos(p.faultP50Nanos()) + ", p99 " + nanos(p.faultP99Nanos()) + ")");
    }

    /** The switch column: when and why a migration went post-copy. */
    static String switchPoint(PostcopyStats p) {
        return p.switched() ? "after " + nanos(p.switchedAfterNanos()) + ", " + p.precopyIterations() + " iterations: " + p.switchReason() : "-";
    }
}
