package io.vstack.storage.nfs.internal;

import io.vstack.api.Durations;
import io.vstack.api.storage.BackendUnavailableException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated NFS server's knobs: latency added to each call (RPC) and a down switch ("server not
 * responding"), both off by default. Thread-safe.
 */
final class NfsServer {

    private static final Logger LOG = LoggerFactory.getLogger(NfsServer.class);

    private final String name;
    private volatile long latencyNanos;
    private volatile boolean down;

    NfsServer(String name) {
        this.name = name;
    }

    /** Applies the knobs to one call on the caller's thread. */
    void call(String op, String file) throws BackendUnavailableException {
        long latency = latencyNanos;
        if (latency > 0) {
            long deadline = System.nanoTime() + latency;
            for (long left = latency; left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }
        if (down) {
            throw new BackendUnavailableException(name + ": " + op + " " + file + " failed: NFS server not responding (simulated)");
        }
    }

    boolean down() {
        return down;
    }

    void setDown(boolean down) {
        this.down = down;
        LOG.info("simulation: NFS server {} is {}", name, down ? "down" : "up");
    }

    void setLatency(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + latency);
        }
        latencyNanos = latency.toNanos();
        LOG.info("simulation: NFS server {} latency set to {}", name, Durations.format(latency));
    }

    String describe() {
        long latency = latencyNanos;
        return (down ? "DOWN" : "up") + (latency > 0 ? " latency=" + Durations.format(Duration.ofNanos(latency)) : "");
    }
}
