package io.vstack.cache.internal.policy;

import io.vstack.api.cache.EvictionListener;

/**
 * The full 2Q of Johnson and Shasha, "2Q: A Low Overhead High Performance Buffer Management
 * Replacement Algorithm" (VLDB '94): a FIFO A1in of first references (Kin = 25% of the slots),
 * a ghost FIFO A1out of the keys paged out of A1in (Kout = 50%), and an LRU Am of keys referenced
 * again while in A1out. A hit in A1in changes nothing.
 */
public final class TwoQueuePolicy extends ListPolicy {

    private static final int IN = 0;
    private static final int MAIN = 1;
    private static final int OUT = 2;

    private final int kin;
    private final int kout;

    public TwoQueuePolicy(int capacity, EvictionListener listener) {
        this(capacity, 0.25, 0.5, listener);
    }

    TwoQueuePolicy(int capacity, double in, double out, EvictionListener listener) {
        super(capacity, (int) (capacity * out) + 1, 3, listener);
        this.kin = (int) (capacity * in);
        this.kout = (int) (capacity * out);
    }

    @Override
    public int lookup(long key) {
        int slot = residentSlot(key);
        if (slot >= 0 && nodes.listOf(slot) == MAIN) {
            nodes.moveToTail(MAIN, slot);
        }
        return slot;
    }

    @Override
    public int admit(long key) {
        int node = index.get(key);
        if (node >= 0 && node < capacity) {
            return node;
        }
        if (node >= 0) {
            dropGhost(node);
            reclaim();
            return place(key, MAIN);
        }
        reclaim();
        return place(key, IN);
    }

    /** reclaimfor(X): frees a slot if none is free. */
    private void reclaim() {
        if (!full()) {
            return;
        }
        if (nodes.size(IN) > kin || nodes.size(MAIN) == 0) {
            long paged = evict(nodes.head(IN));
            if (kout > 0) {
                addGhost(paged, OUT);
                if (nodes.size(OUT) > kout) {
                    dropGhost(nodes.head(OUT));
                }
            }
        } else {
            evict(nodes.head(MAIN));
        }
    }
}
