package io.vstack.api.replication;

import java.time.Instant;
import java.util.Objects;

/**
 * One recovery point of a replicated disk at the recovery site: a differencing disk on the
 * recovery chain that holds one applied delta. Reading that disk gives the primary's content at
 * the moment the delta was sealed.
 *
 * @param sequence the delta's sequence number, from 1, increasing along the chain
 * @param disk     the id of the differencing disk that holds the point (read-only)
 * @param sealedAt when the primary sealed the delta
 * @param blocks   how many blocks the delta carried
 * @param bytes    how many data bytes the delta carried
 */
public record RecoveryPoint(long sequence, String disk, Instant sealedAt, long blocks, long bytes) {

    /**
     * @throws NullPointerException if a field is null
     */
    public RecoveryPoint {
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(sealedAt, "sealedAt");
    }
}
