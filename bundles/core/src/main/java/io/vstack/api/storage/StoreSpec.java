package io.vstack.api.storage;

import java.util.Objects;

/**
 * What to create a {@link BlockStore} with.
 *
 * @param id        the store's id, unique within its backend: letters, digits, {@code . _ -}
 * @param capacity  size in bytes, a positive multiple of {@code blockSize}
 * @param blockSize the disk's block size in bytes, a power of two from 512 to 1 MiB
 * @param host      the host the store is created for (whose local devices a local backend uses)
 */
public record StoreSpec(String id, long capacity, int blockSize, String host) {

    /**
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public StoreSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new IllegalArgumentException("invalid store id '" + id
                    + "': use letters, digits, '.', '_' or '-' (at most 128, not starting with a symbol)");
        }
        if (blockSize < 512 || blockSize > (1 << 20) || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size " + blockSize + " must be a power of two from 512 to 1M");
        }
        if (capacity <= 0 || capacity % blockSize != 0) {
            throw new IllegalArgumentException("capacity " + capacity + " must be a positive multiple of the block size " + blockSize);
        }
    }
}
