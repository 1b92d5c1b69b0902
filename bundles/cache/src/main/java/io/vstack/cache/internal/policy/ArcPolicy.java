package io.vstack.cache.internal.policy;

import io.vstack.api.cache.EvictionListener;

/**
 * ARC, as in Megiddo and Modha, "ARC: A Self-Tuning, Low Overhead Replacement Cache" (FAST '03),
 * figure 4: resident lists T1 (seen once recently) and T2 (seen at least twice), ghost lists B1
 * and B2 of the keys evicted from them, and the target size {@code p} of T1 that ghost hits adapt.
 * An invalidated key frees its slot; REPLACE runs only when every slot is taken.
 */
public final class ArcPolicy extends ListPolicy {

    private static final int T1 = 0;
    private static final int T2 = 1;
    private static final int B1 = 2;
    private static final int B2 = 3;

    private double p;

    public ArcPolicy(int capacity, EvictionListener listener) {
        super(capacity, capacity, 4, listener);
    }

    @Override
    public int lookup(long key) {
        int slot = residentSlot(key);
        if (slot >= 0) {
            nodes.moveToTail(T2, slot);
        }
        return slot;
    }

    @Override
    public int admit(long key) {
        int node = index.get(key);
        if (node >= 0 && node < capacity) {
            return node;
        }
        int t1 = nodes.size(T1);
        int b1 = nodes.size(B1);
        int b2 = nodes.size(B2);
        if (node >= 0 && nodes.listOf(node) == B1) {
            // Case II: a B1 ghost hit asks for a larger T1.
            p = Math.min(capacity, p + Math.max(b1 == 0 ? 1.0 : (double) b2 / b1, 1.0));
            dropGhost(node);
            replace(false);
            return place(key, T2);
        }
        if (node >= 0) {
            // Case III: a B2 ghost hit asks for a larger T2.
            p = Math.max(0.0, p - Math.max(b2 == 0 ? 1.0 : (double) b1 / b2, 1.0));
            dropGhost(node);
            replace(true);
            return place(key, T2);
        }
        // Case IV: a key in no list.
        if (t1 + b1 == capacity) {
            if (t1 < capacity) {
                dropGhost(nodes.head(B1));
                replace(false);
            } else {
                evict(nodes.head(T1));
            }
        } else {
            int total = t1 + nodes.size(T2) + b1 + b2;
            if (total >= capacity) {
                if (total == 2 * capacity) {
                    dropGhost(nodes.head(B2));
                }
                replace(false);
            }
        }
        if (full()) {
            // Only after invalidations leave the lists out of ARC's invariants.
            evict(nodes.size(T1) > 0 ? nodes.head(T1) : nodes.head(T2));
        }
        return place(key, T1);
    }

    /** REPLACE(x, p): moves the LRU key of T1 or T2 to its ghost list, if every slot is taken. */
    private void replace(boolean hitInB2) {
        if (!full()) {
            return;
        }
        int t1 = nodes.size(T1);
        if (t1 > 0 && ((hitInB2 && t1 == p) || t1 > p)) {
            addGhost(evict(nodes.head(T1)), B1);
        } else if (nodes.size(T2) > 0) {
            addGhost(evict(nodes.head(T2)), B2);
        } else {
            addGhost(evict(nodes.head(T1)), B1);
        }
    }
}
