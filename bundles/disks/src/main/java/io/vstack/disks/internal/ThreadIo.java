package io.vstack.disks.internal;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A thread's reusable request objects, one per nesting level (a filter that issues I/O on
 * another disk from inside a request nests one level). Only its thread touches it.
 */
final class ThreadIo {

    private IoContext[] contexts = new IoContext[2];
    private int level;
    /** Requests this thread issued, for {@link #sampleLatency()}. */
    private int requests;

    /** The context for a new request on this thread; created once per level, then reused. */
    IoContext enter(Consumer<IoContext> onCreate) {
        if (level == contexts.length) {
            contexts = Arrays.copyOf(contexts, level * 2);
        }
        IoContext context = contexts[level];
        if (context == null) {
            context = new IoContext(Thread.currentThread());
            contexts[level] = context;
            onCreate.accept(context);
        }
        level++;
        return context;
    }

    void exit() {
        level--;
    }

    /**
     * Whether to time this thread's next request: one in {@link io.vstack.support.LatencyHistogram#SAMPLE}
     * (two clock reads per request were 4 % of a cache hit: docs/BENCHMARKS.md).
     */
    boolean sampleLatency() {
        return (++requests & (io.vstack.support.LatencyHistogram.SAMPLE - 1)) == 0;
    }
}
