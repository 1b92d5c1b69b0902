package io.vstack.api.disk;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Collaborative release of virtual disks between hosts (US9575658): one {@link OwnerRecord} per
 * disk, written crash-safely; a host that wants a disk asks its owner to release it over the
 * transport, the owner drains and flushes the disk's I/O and records the release, and the
 * requester takes the disk with the next epoch. An owner that cannot be reached loses the disk
 * once its lease has expired. Writes through handles opened under an older epoch are refused
 * ({@link io.vstack.api.io.StaleEpochException}). Registered by the disk manager.
 * <p>Thread-safe. Every method blocks on storage; {@link #acquire} also on the network.
 */
@ProviderType
public interface DiskOwners {

    /**
     * The disk's owner record (the disk's creator holds epoch 1 until the first change).
     *
     * @throws DiskException if there is no such disk or its record cannot be read
     */
    OwnerRecord owner(String diskId) throws DiskException;

    /**
     * Makes {@code host} the owner of the disk: at once if the disk is released or already
     * {@code host}'s, else by asking the owner to release it, or, if the owner cannot be reached,
     * by taking it over once the owner's lease has expired. Of several hosts that ask at once,
     * exactly one gets the disk; the others fail.
     *
     * @param timeout how long to wait in all (for the owner's answer or its lease)
     * @return the new record: {@code host}, the previous epoch + 1 (the same record if {@code host}
     *         owned the disk already)
     * @throws DiskException naming the reason: no such disk or host, the owner refused, another
     *                       host took the disk first, or the owner's lease outlasts {@code timeout}
     */
    OwnerRecord acquire(String diskId, String host, Duration timeout) throws DiskException;

    /**
     * The owner lets the disk go: new I/O waits, I/O in flight drains, the disk is flushed down to
     * its store, and the release is recorded; from then on writes of its epoch are refused.
     * Releasing a released disk changes nothing.
     *
     * @return the released record
     * @throws DiskException if there is no such disk, its I/O does not drain, or the flush fails
     *                       (then the disk stays owned)
     */
    OwnerRecord release(String diskId) throws DiskException;
}
