package io.vstack.storage.pool.internal;

import java.nio.file.Path;
import java.util.List;

/**
 * A pool's state at one moment, as {@code disk:pool-info} shows it.
 *
 * @param name           the pool's name
 * @param file           its pool file
 * @param blockSize      its pool block in bytes
 * @param blocks         its blocks
 * @param used           blocks taken (by disks, by first writes in flight, and returned ones not yet committed)
 * @param free           blocks free
 * @param returning      blocks returned whose return is not yet committed (free after the next flush)
 * @param lowWaterMark   free blocks at or below which the pool is at its low-water mark
 * @param lowWater       whether it is at it now
 * @param lowWaterEvents how often it got there
 * @param quota          the most bytes of blocks one disk may hold, 0 for no limit
 * @param onFull         what a write does when no block is free
 * @param disks          each disk's use of the pool
 */
public record PoolInfo(String name, Path file, int blockSize, long blocks, long used, long free, long returning,
                       long lowWaterMark, boolean lowWater, long lowWaterEvents, long quota, PoolSpec.OnFull onFull,
                       List<DiskUsage> disks) {

    /**
     * A disk's use of the pool.
     *
     * @param id       the disk's store id
     * @param host     the host it was created for
     * @param capacity its capacity in bytes
     * @param blocks   the pool blocks it holds
     */
    public record DiskUsage(String id, String host, long capacity, long blocks) {
    }
}
