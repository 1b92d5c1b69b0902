package io.vstack.api.disk;

import java.time.Instant;
import java.util.Objects;

/**
 * Who owns a disk: the record every host reads before it uses the disk, and the only one that
 * says which host may write it (collaborative release, US9575658).
 *
 * @param diskId     the disk
 * @param host       the owner host (after a release: the host that released it)
 * @param endpoint   the transport endpoint ({@code host:port}) of the process that hosts the owner,
 *                   where a host that wants the disk asks for it; empty if that process serves none
 * @param epoch      counts the owners of the disk from 1; every write carries the epoch of the
 *                   handle it came through, and a write of another epoch is refused
 * @param leaseUntil until when the owner is presumed alive without being heard from; its process
 *                   renews it; past it, a host that cannot reach the owner may take the disk over
 * @param released   whether the owner has let the disk go (drained, flushed); then the next owner
 *                   takes it with {@code epoch + 1} without asking
 */
public record OwnerRecord(String diskId, String host, String endpoint, long epoch, Instant leaseUntil, boolean released) {

    /** Checks the fields. */
    public OwnerRecord {
        Objects.requireNonNull(diskId, "diskId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch " + epoch + " of disk " + diskId + " is below 1");
        }
    }
}
