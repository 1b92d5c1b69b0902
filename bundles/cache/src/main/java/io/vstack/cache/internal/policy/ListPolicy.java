package io.vstack.cache.internal.policy;

import io.vstack.api.cache.EvictionListener;
import io.vstack.api.cache.EvictionPolicy;

/**
 * Shared bookkeeping of the list-based baselines (LRU, ARC, 2Q, S3-FIFO): nodes {@code 0 ..
 * capacity-1} are the slots of resident keys, nodes {@code capacity ..} hold ghost (non-resident)
 * keys; one {@link LongIntMap} maps every tracked key to its node. Single-threaded: not
 * {@link #concurrent()}, and {@link #lookup} changes list order, so a cache must serialize every
 * call (trace replay is single-threaded).
 */
abstract class ListPolicy implements EvictionPolicy {

    final int capacity;
    final EvictionListener listener;
    final LinkedNodes nodes;
    final LongIntMap index;
    private final IntStack freeSlots;
    private final IntStack freeGhosts;
    int resident;

    ListPolicy(int capacity, int ghosts, int lists, EvictionListener listener) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.listener = listener == null ? EvictionListener.NONE : listener;
        this.nodes = new LinkedNodes(capacity + ghosts, lists);
        this.index = new LongIntMap(capacity + ghosts);
        this.freeSlots = new IntStack(0, capacity);
        this.freeGhosts = new IntStack(capacity, capacity + ghosts);
    }

    @Override
    public final int capacity() {
        return capacity;
    }

    @Override
    public final int size() {
        return resident;
    }

    /** The slot of a resident key, or -1 (also for a ghost). */
    final int residentSlot(long key) {
        int node = index.get(key);
        return node < capacity ? node : -1;
    }

    final boolean full() {
        return resident == capacity;
    }

    /** Takes a free slot for {@code key}, appends it to {@code list} and indexes it. */
    final int place(long key, int list) {
        int slot = freeSlots.pop();
        nodes.key[slot] = key;
        nodes.append(list, slot);
        index.put(key, slot);
        resident++;
        return slot;
    }

    /** Evicts a resident node: unlinks and unindexes it, tells the listener, frees the slot; returns the key. */
    final long evict(int slot) {
        long key = nodes.key[slot];
        nodes.remove(slot);
        index.remove(key);
        resident--;
        listener.evicted(key, slot);
        freeSlots.push(slot);
        return key;
    }

    /** Records {@code key} as a ghost at the tail of {@code list}. */
    final void addGhost(long key, int list) {
        int node = freeGhosts.pop();
        nodes.key[node] = key;
        nodes.append(list, node);
        index.put(key, node);
    }

    /** Forgets a ghost node. */
    final void dropGhost(int node) {
        nodes.remove(node);
        index.remove(nodes.key[node]);
        freeGhosts.push(node);
    }

    @Override
    public boolean invalidate(long key) {
        int node = index.get(key);
        if (node < 0 || node >= capacity) {
            return false;
        }
        nodes.remove(node);
        index.remove(key);
        resident--;
        freeSlots.push(node);
        return true;
    }
}
