package io.vstack.api.cache;

/**
 * Told of each eviction, on the thread that caused it, before the slot is given to another key.
 * Must not block and must not call back into the policy.
 */
@FunctionalInterface
public interface EvictionListener {

    /** A listener that ignores evictions. */
    EvictionListener NONE = (key, slot) -> { };

    /** {@code key} left the cache; {@code slot} is about to be reused. */
    void evicted(long key, int slot);
}
