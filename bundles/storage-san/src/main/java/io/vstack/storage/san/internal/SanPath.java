package io.vstack.storage.san.internal;

import io.vstack.api.Durations;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One path from the host to the array (an HBA port through the fabric to a controller port), with
 * its own simulation knobs: added latency and a down switch, both off by default.
 * <p>Thread-safe. An operation calls {@link #begin()} before it reaches the array and
 * {@link #end()} after; if the path is down at either point the operation did not complete over
 * this path and the caller fails over to another one (reads and writes are idempotent).
 */
final class SanPath {

    private static final Logger LOG = LoggerFactory.getLogger(SanPath.class);

    private final String array;
    private final String name;
    private volatile long latencyNanos;
    private volatile boolean down;
    private final LongAdder operations = new LongAdder();
    private final LongAdder faults = new LongAdder();

    SanPath(String array, String name, Duration latency) {
        this.array = array;
        this.name = name;
        this.latencyNanos = latency.toNanos();
    }

    String name() {
        return name;
    }

    Duration latency() {
        return Duration.ofNanos(latencyNanos);
    }

    void setLatency(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + latency);
        }
        latencyNanos = latency.toNanos();
        LOG.info("simulation: SAN {} path {} latency set to {}", array, name, Durations.format(latency));
    }

    boolean down() {
        return down;
    }

    void setDown(boolean down) {
        this.down = down;
        LOG.info("simulation: SAN {} path {} is {}", array, name, down ? "down" : "up");
    }

    long operations() {
        return operations.sum();
    }

    long faults() {
        return faults.sum();
    }

    /** Waits the path's latency on the caller's thread; returns whether the path is up. */
    boolean begin() {
        long latency = latencyNanos;
        if (latency > 0) {
            long deadline = System.nanoTime() + latency;
            for (long left = latency; left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }
        if (down) {
            faults.increment();
            return false;
        }
        return true;
    }

    /** Returns whether the operation's completion came back over the path (it is still up). */
    boolean end() {
        if (down) {
            faults.increment();
            return false;
        }
        operations.increment();
        return true;
    }

    /** The knobs in one cell: {@code up}, {@code DOWN}, plus the latency if any. */
    String describe() {
        long latency = latencyNanos;
        return (down ? "DOWN" : "up") + (latency > 0 ? " latency=" + Durations.format(Duration.ofNanos(latency)) : "");
    }
}
