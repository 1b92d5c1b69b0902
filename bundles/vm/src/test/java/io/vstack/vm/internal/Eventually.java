package io.vstack.vm.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition to hold, checking it every few milliseconds, or fails naming it. */
public final class Eventually {

    private Eventually() {
    }

    /** Waits up to 30 s for {@code condition}. */
    public static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, Duration.ofSeconds(30), condition);
    }

    /** Waits up to {@code timeout} for {@code condition}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object monitor = new Object();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            synchronized (monitor) {
                monitor.wait(5);
            }
        }
    }
}
