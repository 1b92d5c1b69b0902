package io.vstack.api.migration;

import java.util.Objects;
import java.util.Optional;

/**
 * A migration as it is now (a snapshot; the figures come from the migration's own counters).
 *
 * @param id                      the migration's id
 * @param vmId                    the VM
 * @param sourceHost              where it ran
 * @param destinationHost         where it goes
 * @param mode                    the mode
 * @param phase                   where it is
 * @param iteration               dirty-bitmap syncs so far (QEMU's {@code dirty-sync-count})
 * @param pendingBytes            bytes still to send at the last count
 * @param bandwidthBytesPerSecond the last 100 ms window's measured bandwidth
 * @param expectedDowntimeNanos   dirty bytes at the last sync over the bandwidth; -1 before known
 * @param throttlePercent         auto-converge throttle now
 * @param transferredBytes        bytes on the wire so far, all channels
 * @param elapsedNanos            time since the migration started
 * @param error                   why it failed, when {@link MigrationPhase#FAILED}
 * @param postcopy                post-copy figures ({@link PostcopyStats#NONE} unless it switched)
 */
public record MigrationStatus(String id, String vmId, String sourceHost, String destinationHost, MigrationMode mode,
                              MigrationPhase phase, long iteration, long pendingBytes, long bandwidthBytesPerSecond,
                              long expectedDowntimeNanos, int throttlePercent, long transferredBytes, long elapsedNanos,
                              Optional<String> error, PostcopyStats postcopy) {

    /**
     * @throws NullPointerException if a reference field is null
     */
    public MigrationStatus {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(sourceHost, "sourceHost");
        Objects.requireNonNull(destinationHost, "destinationHost");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(postcopy, "postcopy");
    }

    /** A status without post-copy figures (the form before post-copy existed). */
    public MigrationStatus(String id, String vmId, String sourceHost, String destinationHost, MigrationMode mode,
                           MigrationPhase phase, long iteration, long pendingBytes, long bandwidthBytesPerSecond,
                           long expectedDowntimeNanos, int throttlePercent, long transferredBytes, long elapsedNanos,
                           Optional<String> error) {
        this(id, vmId, sourceHost, destinationHost, mode, phase, iteration, pendingBytes, bandwidthBytesPerSecond,
                expectedDowntimeNanos, throttlePercent, transferredBytes, elapsedNanos, error, PostcopyStats.NONE);
    }
}
