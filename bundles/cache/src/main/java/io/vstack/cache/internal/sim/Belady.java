package io.vstack.cache.internal.sim;

import io.vstack.cache.internal.policy.LongIntMap;

/**
 * Belady's offline optimum (OPT/MIN): on a miss with a full cache, evict the key whose next use
 * is farthest in the future (possibly the key just referenced, i.e. do not admit it). The next
 * uses are precomputed in one backward pass; a lazy max-heap of (next use, position) finds the
 * victim in O(log n).
 */
public final class Belady {

    private static final int NEVER = Integer.MAX_VALUE;

    private Belady() {
    }

    /** Misses of OPT with {@code size} slots over {@code trace}. */
    public static long misses(long[] trace, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        int n = trace.length;
        int[] nextUse = new int[n];
        LongIntMap seen = new LongIntMap(1 << 16);
        for (int i = n - 1; i >= 0; i--) {
            int later = seen.put(trace[i], i);
            nextUse[i] = later < 0 ? NEVER : later;
        }
        // Resident key -> position of its latest reference; heap entries are (next use << 32 | position).
        LongIntMap resident = new LongIntMap(size);
        long[] heap = new long[Math.max(16, Math.min(n, size * 4))];
        int heapSize = 0;
        long misses = 0;
        for (int i = 0; i < n; i++) {
            long key = trace[i];
            if (resident.put(key, i) < 0) {
                misses++;
            }
            if (heapSize == heap.length) {
                heapSize = compact(heap, heapSize, trace, resident);
                if (heapSize > heap.length / 2) {
                    heap = java.util.Arrays.copyOf(heap, heap.length * 2);
                }
            }
            heapSize = push(heap, heapSize, ((long) nextUse[i] << 32) | i);
            while (resident.size() > size) {
                long top = heap[0];
                heapSize = pop(heap, heapSize);
                int position = (int) top;
                if (resident.get(trace[position]) == position) {
                    resident.remove(trace[position]);
                }
            }
        }
        return misses;
    }

    /** Drops stale entries (whose key was referenced again or evicted) and re-heapifies. */
    private static int compact(long[] heap, int heapSize, long[] trace, LongIntMap resident) {
        int kept = 0;
        for (int i = 0; i < heapSize; i++) {
            int position = (int) heap[i];
            if (resident.get(trace[position]) == position) {
                heap[kept++] = heap[i];
            }
        }
        for (int i = kept / 2 - 1; i >= 0; i--) {
            siftDown(heap, kept, i);
        }
        return kept;
    }

    private static int push(long[] heap, int heapSize, long entry) {
        int i = heapSize;
        heap[i] = entry;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] >= heap[i]) {
                break;
            }
            long t = heap[parent];
            heap[parent] = heap[i];
            heap[i] = t;
            i = parent;
        }
        return heapSize + 1;
    }

    private static int pop(long[] heap, int heapSize) {
        int last = heapSize - 1;
        heap[0] = heap[last];
        siftDown(heap, last, 0);
        return last;
    }

    private static void siftDown(long[] heap, int heapSize, int start) {
        int i = start;
        for (;;) {
            int left = 2 * i + 1;
            if (left >= heapSize) {
                return;
            }
            int largest = left + 1 < heapSize && heap[left + 1] > heap[left] ? left + 1 : left;
            if (heap[i] >= heap[largest]) {
                return;
            }
            long t = heap[i];
            heap[i] = heap[largest];
            heap[largest] = t;
            i = largest;
        }
    }
}
