package io.vstack.api.cache;

/**
 * Packs (disk, block) into the {@code long} keys policies work on: the disk's cache index
 * (assigned by the cache, up to 2^20 disks) in the high 20 bits, the block number in the low 44
 * (64 PiB of 4 KiB blocks).
 */
public final class BlockKeys {

    /** Bits of the key that hold the block number. */
    public static final int BLOCK_BITS = 44;
    /** Largest disk index. */
    public static final int MAX_DISK_INDEX = (1 << (64 - BLOCK_BITS)) - 1;
    private static final long BLOCK_MASK = (1L << BLOCK_BITS) - 1;

    private BlockKeys() {
    }

    /**
     * The key of block {@code block} of the disk with cache index {@code diskIndex}.
     *
     * @throws IllegalArgumentException if either is out of range
     */
    public static long key(int diskIndex, long block) {
        if (diskIndex < 0 || diskIndex > MAX_DISK_INDEX || block < 0 || block > BLOCK_MASK) {
            throw new IllegalArgumentException("disk index " + diskIndex + " or block " + block + " out of range");
        }
        return ((long) diskIndex << BLOCK_BITS) | block;
    }

    /** The disk index of a key. */
    public static int diskIndex(long key) {
        return (int) (key >>> BLOCK_BITS);
    }

    /** The block number of a key. */
    public static long block(long key) {
        return key & BLOCK_MASK;
    }
}
