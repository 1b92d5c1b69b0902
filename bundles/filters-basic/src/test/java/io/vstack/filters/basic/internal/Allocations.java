package io.vstack.filters.basic.internal;

import java.lang.management.ManagementFactory;

/** Measures the bytes the current thread allocates (HotSpot's per-thread allocation counter). */
public final class Allocations {

    private Allocations() {
    }

    /** An action that may throw. */
    public interface Action {
        void run() throws Exception;
    }

    /** Bytes allocated by the calling thread while running {@code action}. */
    public static long allocatedBy(Action action) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        action.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }
}
