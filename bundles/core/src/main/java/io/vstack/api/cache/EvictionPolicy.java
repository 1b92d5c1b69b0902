package io.vstack.api.cache;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides which entries a fixed-size cache keeps. The policy owns the mapping from keys to
 * <em>slots</em> {@code 0 .. capacity()-1}; the cache stores each entry's data in the slot the
 * policy gives it, so the policy's metadata is all there is per entry.
 * <p>Keys are {@code long}s: a cache combines (disk, block) with {@link BlockKeys#key}; a
 * trace replay uses the trace's keys. No method allocates in steady state.
 * <p><b>Threads.</b> {@link #lookup} may be called by many threads at once and must not block;
 * whether {@link #admit} and {@link #invalidate} may run concurrently with each other is the
 * policy's to declare in {@link #concurrent()} — if not, the cache serializes them.
 */
@ConsumerType
public interface EvictionPolicy {

    /** Number of slots. */
    int capacity();

    /** Number of keys resident now. */
    int size();

    /**
     * Looks a key up and records the access.
     *
     * @return the key's slot, or -1 on a miss (nothing is admitted)
     */
    int lookup(long key);

    /**
     * Admits a key after a miss, evicting another if the cache is full (reported to the
     * {@link EvictionListener} before the slot is reused).
     *
     * @return the slot the key now occupies, or -1 if the policy declines to admit it
     */
    int admit(long key);

    /**
     * Removes a key, e.g. because its block was overwritten.
     *
     * @return whether it was resident
     */
    boolean invalidate(long key);

    /** Whether {@link #admit} and {@link #invalidate} are safe from several threads at once. */
    default boolean concurrent() {
        return false;
    }
}
