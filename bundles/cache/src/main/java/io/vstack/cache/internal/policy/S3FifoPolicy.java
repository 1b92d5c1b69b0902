package io.vstack.cache.internal.policy;

import io.vstack.api.cache.EvictionListener;

/**
 * S3-FIFO, as in Yang et al., "FIFO queues are all you need for cache eviction" (SOSP '23),
 * algorithm 1: a small FIFO S (10% of the slots) takes new keys, a main FIFO M the rest, a ghost
 * FIFO G remembers as many keys evicted from S as M holds. Hits count up to 3. S's oldest key
 * moves to M if it was hit more than once, else to G; M's oldest key is reinserted with its count
 * decremented until the count is 0, then evicted. A miss found in G goes straight to M.
 */
public final class S3FifoPolicy extends ListPolicy {

    private static final int SMALL = 0;
    private static final int MAIN = 1;
    private static final int GHOST = 2;
    private static final int MAX_FREQUENCY = 3;

    private final byte[] frequency;
    private final int maxSmall;
    private final int maxMain;
    private final int maxGhost;
    private final int moveThreshold;

    public S3FifoPolicy(int capacity, EvictionListener listener) {
        this(capacity, 0.1, 1, listener);
    }

    S3FifoPolicy(int capacity, double small, int moveThreshold, EvictionListener listener) {
        super(capacity, capacity - (int) (capacity * small), 3, listener);
        this.frequency = new byte[capacity];
        this.maxSmall = (int) (capacity * small);
        this.maxMain = capacity - maxSmall;
        this.maxGhost = maxMain;
        this.moveThreshold = moveThreshold;
    }

    @Override
    public int lookup(long key) {
        int slot = residentSlot(key);
        if (slot >= 0 && frequency[slot] < MAX_FREQUENCY) {
            frequency[slot]++;
        }
        return slot;
    }

    @Override
    public int admit(long key) {
        int node = index.get(key);
        if (node >= 0 && node < capacity) {
            return node;
        }
        while (full()) {
            evictOne();
        }
        int slot;
        if (node >= 0) {
            dropGhost(node);
            slot = place(key, MAIN);
        } else {
            slot = place(key, SMALL);
        }
        frequency[slot] = 0;
        return slot;
    }

    private void evictOne() {
        if (nodes.size(SMALL) >= maxSmall || nodes.size(MAIN) == 0) {
            evictSmall();
        } else {
            evictMain();
        }
    }

    private void evictSmall() {
        while (nodes.size(SMALL) > 0) {
            int tail = nodes.head(SMALL);
            if (frequency[tail] > moveThreshold) {
                nodes.moveToTail(MAIN, tail);
                frequency[tail] = 0;
                if (nodes.size(MAIN) > maxMain) {
                    evictMain();
                }
            } else {
                long key = evict(tail);
                if (maxGhost > 0) {
                    if (nodes.size(GHOST) == maxGhost) {
                        dropGhost(nodes.head(GHOST));
                    }
                    addGhost(key, GHOST);
                }
                return;
            }
        }
    }

    private void evictMain() {
        while (nodes.size(MAIN) > 0) {
            int tail = nodes.head(MAIN);
            if (frequency[tail] > 0) {
                nodes.moveToTail(MAIN, tail);
                frequency[tail]--;
            } else {
                evict(tail);
                return;
            }
        }
    }
}
