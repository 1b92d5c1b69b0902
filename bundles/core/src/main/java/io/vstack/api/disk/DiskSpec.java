package io.vstack.api.disk;

import io.vstack.api.storage.BackendType;
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
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new IllegalArgumentException("invalid disk name '" + name
                    + "': use letters, digits, '.', '_' or '-' (at most 128, not starting with a symbol)");
        }
        if (blockSize < 512 || blockSize > (1 << 20) || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size " + blockSize + " must be a power of two from 512 to 1M");
        }
        if (capacity <= 0 || capacity % blockSize != 0) {
            throw new IllegalArgumentException("size " + capacity + " must be a positive multiple of the block size " + blockSize);
        }
    }

    /** A disk with no parent and the default block size. */
    public static DiskSpec of(String name, long capacity, BackendType backend, String host) {
        return new DiskSpec(name, capacity, DEFAULT_BLOCK_SIZE, backend, host, Optional.empty());
    }
}
