package io.vstack.filters.basic.internal.throttle;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket in its "virtual scheduling" form (the generic cell rate algorithm): it keeps
 * the theoretical time at which the bucket is empty again ({@code tat}), and each request
 * reserves the slot of its cost, so callers wait in the order they reserved (fair: first come,
 * first served) and nobody spins. Rate {@code r} units per second; a request of cost {@code c}
 * occupies {@code c / r} seconds; up to {@code burst} worth of idle credit lets requests start
 * at once. Lock-free (one CAS per request), allocation-free.
 */
final class TokenBucket {

    private final double nanosPerUnit;
    private final long burstNanos;
    private final AtomicLong tat;

    /**
     * @param ratePerSecond units per second, positive
     * @param burstNanos    idle credit, in nanoseconds of the rate, not negative
     * @param now           the clock now
     */
    TokenBucket(double ratePerSecond, long burstNanos, long now) {
        this.nanosPerUnit = 1e9 / ratePerSecond;
        this.burstNanos = burstNanos;
        this.tat = new AtomicLong(now);
    }

    /**
     * Reserves {@code cost} units and returns when the request may start: {@code now} or later.
     */
    long reserve(long cost, long now) {
        long interval = Math.max(1, Math.round(cost * nanosPerUnit));
        while (true) {
            long current = tat.get();
            long start = Math.max(now, current - burstNanos);
            long next = Math.max(current, start) + interval;
            if (tat.compareAndSet(current, next)) {
                return start;
            }
        }
    }
}
