package io.vstack.api.storage;

import io.vstack.api.UserText;
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
        Objects.requireNonNull(host, "host");
        requireValidName("store id", id);
        requireValidGeometry("capacity", capacity, blockSize);
    }

    /**
     * Checks a disk or store name: letters, digits, {@code . _ -}, at most 128, not starting with
     * a symbol (so it is safe as a file name).
     *
     * @param what what the name names, for the message ({@code disk name}, {@code store id})
     * @throws IllegalArgumentException naming {@code what} if the name is not valid
     */
    public static void requireValidName(String what, String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new IllegalArgumentException("invalid " + what + " " + UserText.quote(name)
                    + ": use letters, digits, '.', '_' or '-' (at most 128, not starting with a symbol)");
        }
    }

    /**
     * Checks a block size (a power of two from 512 to 1 MiB) and a size (a positive multiple of it).
     *
     * @param what what the size is, for the message ({@code size}, {@code capacity})
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void requireValidGeometry(String what, long size, int blockSize) {
        if (blockSize < 512 || blockSize > (1 << 20) || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size " + blockSize + " must be a power of two from 512 to 1M");
        }
        if (size <= 0 || size % blockSize != 0) {
            throw new IllegalArgumentException(what + " " + size + " must be a positive multiple of the block size " + blockSize);
        }
    }
}
