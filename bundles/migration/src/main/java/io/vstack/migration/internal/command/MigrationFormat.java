package io.vstack.migration.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.Durations;
import io.vstack.api.migration.MigrationStatus;
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
                bytes(s.pendingBytes()), rate(s.bandwidthBytesPerSecond()), nanos(s.expectedDowntimeNanos()), s.throttlePercent());
    }
}
