package io.vstack.api.cache;

/**
 * A cache's counters at one moment.
 *
 * @param hits           lookups served from the cache
 * @param misses         lookups not served
 * @param insertions     blocks admitted
 * @param evictions      blocks evicted to make room
 * @param invalidations  blocks dropped because they were overwritten or their disk went away
 * @param residentBlocks blocks cached now
 * @param capacityBlocks blocks the cache can hold
 * @param blockSize      bytes per block
 */
public record CacheStats(long hits, long misses, long insertions, long evictions, long invalidations,
                         long residentBlocks, long capacityBlocks, int blockSize) {

    /** Hits over lookups, 0 when there were none. */
    public double hitRatio() {
        long lookups = hits + misses;
        return lookups == 0 ? 0.0 : (double) hits / lookups;
    }

    /** Bytes cached now. */
    public long residentBytes() {
        return residentBlocks * blockSize;
    }
}
