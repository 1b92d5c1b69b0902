package io.vstack.filters.basic.internal.throttle;

import java.util.concurrent.locks.LockSupport;

/** The clock a throttle reads and waits on; a seam so tests see the wait schedule without waiting. */
public interface Pacer {

    /** Now, in nanoseconds of an arbitrary origin ({@link System#nanoTime()}). */
    long nanoTime();

    /**
     * Blocks the calling thread until {@link #nanoTime()} reaches {@code deadline}; returns at
     * once if it has.
     *
     * @throws InterruptedException if the thread is interrupted while waiting (its status cleared)
     */
    void awaitUntil(long deadline) throws InterruptedException;

    /** The real clock: parks the thread (no spinning), re-parking after early wake-ups. */
    Pacer SYSTEM = new Pacer() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void awaitUntil(long deadline) throws InterruptedException {
            for (long remaining = deadline - System.nanoTime(); remaining > 0; remaining = deadline - System.nanoTime()) {
                LockSupport.parkNanos(this, remaining);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
    };
}
