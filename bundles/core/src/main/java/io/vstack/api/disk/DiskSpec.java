package io.vstack.api.disk;

import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.StoreSpec;
import java.util.Objects;
import java.util.Optional;

/**
 * What to create a virtual disk with.
 *
 * @param name      the disk's id: letters, digits, {@code . _ -}, unique in the datacenter
 * @param capacity  size in bytes, a positive multiple of {@code blockSize}
 * @param blockSize block size in bytes, a power of two from 512 to 1 MiB (4096 by default)
 * @param backend   where its bytes live
 * @param host      the owner host, whose filter framework runs its chain
 * @param parent    for a differencing disk, the disk it reads through to
 */
public record DiskSpec(String name, long capacity, int blockSize, BackendType backend, String host,
                       Optional<String> parent) {

    /** The default block size, 4 KiB. */
    public static final int DEFAULT_BLOCK_SIZE = 4096;

    /**
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public DiskSpec {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(parent, "parent");
        StoreSpec.requireValidName("disk name", name);
        StoreSpec.requireValidGeometry("size", capacity, blockSize);
    }

    /** A disk with no parent and the default block size. */
    public static DiskSpec of(String name, long capacity, BackendType backend, String host) {
        return new DiskSpec(name, capacity, DEFAULT_BLOCK_SIZE, backend, host, Optional.empty());
    }
}
