package io.vstack.api.disk;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A virtual disk. I/O goes through a {@link DiskHandle}, so the disk knows who uses it.
 * <p>Thread-safe.
 */
@ProviderType
public interface VirtualDisk {

    /** The disk's id. */
    String id();

    /** The disk's metadata now. */
    DiskInfo info();

    /**
     * Opens a handle whose I/O passes through the whole filter chain.
     *
     * @param origin who issues the I/O (a VM id or a workload name), seen by filters
     * @throws io.vstack.api.io.DiskUnavailableException if the disk was deleted or its store cannot be opened
     */
    DiskHandle open(String origin) throws io.vstack.api.io.IoException;

    /**
     * Opens a handle whose I/O enters the chain at filter {@code targetFilter}: it passes only
     * through that filter and those below it (filter-level access, as a filter's own
     * management application needs).
     *
     * @throws IllegalArgumentException if the filter is not attached to this disk
     * @throws io.vstack.api.io.DiskUnavailableException if the disk was deleted or its store cannot be opened
     */
    DiskHandle openAt(String origin, String targetFilter) throws io.vstack.api.io.IoException;
}
