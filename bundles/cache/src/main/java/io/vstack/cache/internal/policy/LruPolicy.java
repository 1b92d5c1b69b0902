package io.vstack.cache.internal.policy;

import io.vstack.api.cache.EvictionListener;

/** Least recently used: one list, a hit moves the key to the tail, the head is evicted. */
public final class LruPolicy extends ListPolicy {

    private static final int LIST = 0;

    public LruPolicy(int capacity, EvictionListener listener) {
        super(capacity, 0, 1, listener);
    }

    @Override
    public int lookup(long key) {
        int slot = residentSlot(key);
        if (slot >= 0) {
            nodes.moveToTail(LIST, slot);
        }
        return slot;
    }

    @Override
    public int admit(long key) {
        int slot = residentSlot(key);
        if (slot >= 0) {
            return slot;
        }
        if (full()) {
            evict(nodes.head(LIST));
        }
        return place(key, LIST);
    }
}
