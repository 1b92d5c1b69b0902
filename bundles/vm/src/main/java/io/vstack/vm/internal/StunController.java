package io.vstack.vm.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Parks every vCPU of a VM and measures how long that took; also carries the auto-converge
 * throttle. vCPUs call {@link #checkpoint} between quanta (a volatile read when nothing is asked).
 * <p>Thread-safe: one controller per VM; any thread may stun or release.
 */
public final class StunController {

    /** QEMU's throttle timeslice, 10 ms ({@code CPU_THROTTLE_TIMESLICE_NS}). */
    public static final long THROTTLE_TIMESLICE_NANOS = 10_000_000L;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile boolean requested;
    private volatile boolean ending;
    private volatile int throttlePercent;
    private int parked;
    private int running;
    private Thread[] threads = new Thread[0];

    /** The vCPU threads that must park, registered before they start. */
    void register(Thread[] vcpuThreads) {
        lock.lock();
        try {
            threads = vcpuThreads.clone();
            running = vcpuThreads.length;
        } finally {
            lock.unlock();
        }
    }

    /** Called by a vCPU between quanta: parks it while a stun is in force. Returns false once the VM ends. */
    boolean checkpoint() {
        if (ending) {
            return false;
        }
        if (!requested) {
            return true;
        }
        lock.lock();
        try {
            parked++;
            changed.signalAll();
            while (requested && !ending) {
                changed.awaitUninterruptibly();
            }
            parked--;
        } finally {
            lock.unlock();
        }
        return !ending;
    }

    /** A vCPU thread is ending (it will not reach a checkpoint again). */
    void exited() {
        lock.lock();
        try {
            running--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a stun is in force. */
    boolean stunned() {
        return requested;
    }

    /** Asks the vCPUs to park at their next checkpoint, without waiting (before they start). */
    void request() {
        requested = true;
    }

    /** Asks every vCPU to park and waits until all have; returns how long that took. */
    public Duration stun() {
        long start = System.nanoTime();
        lock.lock();
        try {
            requested = true;
            for (Thread t : threads) {
                LockSupport.unpark(t);
            }
            while (parked < running) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Lets parked vCPUs run again. */
    public void release() {
        lock.lock();
        try {
            requested = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the VM: every vCPU leaves its loop; waits up to {@code timeout} for the threads. */
    void end(Duration timeout) {
        lock.lock();
        try {
            ending = true;
            changed.signalAll();
            for (Thread t : threads) {
                LockSupport.unpark(t);
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (running > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    changed.await(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sets the throttle (0 to 99 %). */
    public void setThrottle(int percent) {
        if (percent < 0 || percent > 99) {
            throw new IllegalArgumentException("throttle " + percent + "% must be from 0 to 99");
        }
        throttlePercent = percent;
    }

    /** The throttle now. */
    public int throttle() {
        return throttlePercent;
    }

    /**
     * QEMU's throttle sleep for one timeslice: {@code pct/(1-pct)} × 10 ms; 0 when not throttled.
     */
    static long throttleSleepNanos(int percent) {
        if (percent <= 0) {
            return 0;
        }
        double pct = percent / 100.0;
        return (long) (pct / (1 - pct) * THROTTLE_TIMESLICE_NANOS);
    }
}
