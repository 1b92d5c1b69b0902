package io.vstack.itest;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** Waits for a condition to hold, checking it every few milliseconds, or fails naming it. */
final class Eventually {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private Eventually() {
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, DEFAULT_TIMEOUT, condition);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object monitor = new Object();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            synchronized (monitor) {
                monitor.wait(20);
            }
        }
    }

    /** Waits until {@code ops} (I/Os done by a test's workers) has grown by {@code more}, at most 60 s. */
    static void awaitMore(AtomicLong ops, long more) throws InterruptedException {
        long target = ops.get() + more;
        await(more + " more I/Os", Duration.ofSeconds(60), () -> ops.get() >= target);
    }
}
