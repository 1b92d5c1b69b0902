package io.vstack.api.disk;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The inventory of virtual disks: creates, finds and deletes them. The inventory is kept in
 * crash-safe metadata files and survives a restart.
 * <p><b>Threads.</b> Thread-safe; create and delete block on storage I/O.
 * <p><b>Errors.</b> Invalid input ({@link IllegalArgumentException}) and refused operations
 * ({@link DiskException}) change nothing and carry a one-line message for the user.
 */
@ProviderType
public interface DiskManager {

    /**
     * Creates a disk, its store on the backend, and its metadata.
     *
     * @throws IllegalArgumentException for an unknown backend or host, or a bad spec
     * @throws DiskException if the name is taken or the backend fails
     */
    VirtualDisk create(DiskSpec spec) throws DiskException;

    /** The disk with id {@code id}, if it exists. */
    Optional<VirtualDisk> disk(String id);

    /** Every disk's metadata, sorted by id. */
    List<DiskInfo> disks();

    /**
     * Deletes a disk: its metadata, its store and its filters' state.
     *
     * @param force also when handles are open (they fail from then on)
     * @throws DiskException if the disk does not exist, is open and {@code force} is false, or has children
     */
    void delete(String id, boolean force) throws DiskException;
}
