package io.vstack.cache.internal.policy;

/**
 * Doubly linked lists of integer nodes in primitive arrays: each node is in at most one of
 * {@code lists} lists, ordered from head (oldest) to tail (newest). Nodes carry a {@code long}
 * key. Not thread-safe; never allocates after construction.
 */
final class LinkedNodes {

    static final int NONE = -1;

    final long[] key;
    private final int[] prev;
    private final int[] next;
    private final byte[] list;
    private final int[] head;
    private final int[] tail;
    private final int[] count;

    LinkedNodes(int nodes, int lists) {
        key = new long[nodes];
        prev = new int[nodes];
        next = new int[nodes];
        list = new byte[nodes];
        java.util.Arrays.fill(list, (byte) -1);
        head = new int[lists];
        tail = new int[lists];
        count = new int[lists];
        java.util.Arrays.fill(head, NONE);
        java.util.Arrays.fill(tail, NONE);
    }

    /** The list the node is in, or -1. */
    int listOf(int node) {
        return list[node];
    }

    int size(int l) {
        return count[l];
    }

    /** The oldest node of a list, or {@link #NONE}. */
    int head(int l) {
        return head[l];
    }

    /** Appends a node that is in no list at the tail of {@code l}. */
    void append(int l, int node) {
        list[node] = (byte) l;
        prev[node] = tail[l];
        next[node] = NONE;
        if (tail[l] == NONE) {
            head[l] = node;
        } else {
            next[tail[l]] = node;
        }
        tail[l] = node;
        count[l]++;
    }

    /** Unlinks a node from its list. */
    void remove(int node) {
        int l = list[node];
        int p = prev[node];
        int n = next[node];
        if (p == NONE) {
            head[l] = n;
        } else {
            next[p] = n;
        }
        if (n == NONE) {
            tail[l] = p;
        } else {
            prev[n] = p;
        }
        list[node] = -1;
        count[l]--;
    }

    /** Moves a node to the tail of {@code l} (its own list or another). */
    void moveToTail(int l, int node) {
        remove(node);
        append(l, node);
    }
}
