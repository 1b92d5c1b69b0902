package io.vstack.api.replication;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of one replicated disk as this process sees it, on either side.
 *
 * @param disk         the replicated (primary) disk's id
 * @param role         whether this process is the disk's primary or its recovery site
 * @param peer         the other side: the target endpoint (primary) or the sender's address (recovery)
 * @param rpo          the configured interval between seals (primary; zero at the recovery site)
 * @param keep         how many recovery points the recovery site keeps (primary: what it asked for)
 * @param state        one line: {@code replicating}, {@code link down: <reason>}, {@code failed over to <disk>}…
 * @param lastSequence the last delta sealed and acknowledged (primary) or applied (recovery); 0 before the first
 * @param lastPointAt  when the last acknowledged or applied delta was sealed, if any
 * @param dirtyBlocks  blocks written since the last seal and not yet shipped (primary; 0 at the recovery site)
 * @param bytesShipped data bytes shipped (primary) or applied (recovery) so far
 * @param resends      chunks refused by the recovery site (a bad checksum) and sent again
 */
public record ReplicaStatus(String disk, Role role, String peer, Duration rpo, int keep, String state, long lastSequence,
                            Optional<Instant> lastPointAt, long dirtyBlocks, long bytesShipped, long resends) {

    /** Which side of a replication this process is. */
    public enum Role {
        /** The disk is written here and shipped to a recovery site. */
        PRIMARY,
        /** Deltas of the disk are applied here as recovery points. */
        RECOVERY
    }

    /**
     * @throws NullPointerException if a field is null
     */
    public ReplicaStatus {
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(rpo, "rpo");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lastPointAt, "lastPointAt");
    }
}
