package io.vstack.api.cache;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides which entries a fixed-size cache keeps. The policy owns the mapping from keys to
 * <em>slots</em> {@code 0 .. capacity()-1}; the cache stores each entry's data in the slot the
 * policy gives it, so the policy's metadata is all there is per entry.
 * <p>Keys are {@code long}s: a cache combines (disk, block) with {@link BlockKeys#key}; a
 * trace replay uses the trace's keys. No method allocates in steady state.
 * <p><b>Threads.</b> A policy that is {@link #concurrent()} takes {@link #lookup} from many
 * threads at once, also while {@link #admit} and {@link #invalidate} run, and must not block in
 * it. A policy that is not (its lookups reorder lists, as LRU's do) gets every call serialized
 * by the cache, lookups included.
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

    /** Whether every method is safe from several threads at once, lookups lock-free (see the class comment). */
    default boolean concurrent() {
        return false;
    }
}
