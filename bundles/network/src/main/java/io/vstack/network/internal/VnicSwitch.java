package io.vstack.network.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * One host's frame switch between the vNICs of the VMs on it: a poller thread (interrupt offload:
 * it, not the guest's vCPU, moves frames) that drains every TX ring, forwards each frame to the
 * vNIC owning its destination MAC (an unknown destination is dropped and counted; a full RX ring
 * holds the frame on its TX ring until the receiving guest has made room), and raises RX
 * interrupts past their thresholds. It sleeps until a doorbell or the nearest TX/RX timer deadline, and while any vNIC clusters
 * at most {@link #POLL_NANOS} (it polls the rings on its own, the patent's offload core).
 * <p><b>Threads.</b> {@link #pollOnce} only from the poller (or, with no poller started, from one test
 * thread); the rest from any thread.
 */
final class VnicSwitch {

    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** How often the poller polls the rings on its own while a vNIC clusters. */
    static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private final String host;
    private final LongSupplier clock;
    private final Map<Long, Vnic> byMac = new ConcurrentHashMap<>();
    private final List<Vnic> vnics = new CopyOnWriteArrayList<>();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong unknownDst = new AtomicLong();
    private volatile Thread poller;
    private volatile boolean running;

    VnicSwitch(String host, LongSupplier clock) {
        this.host = host;
        this.clock = clock;
    }

    String host() {
        return host;
    }

    /** Plugs {@code v} into this switch: its doorbell wakes the poller. */
    void attach(Vnic v) {
        v.onDoorbell(this::wake);
        byMac.put(v.mac(), v);
        vnics.add(v);
    }

    void detach(Vnic v) {
        vnics.remove(v);
        byMac.remove(v.mac(), v);
    }

    List<Vnic> vnics() {
        return List.copyOf(vnics);
    }

    private void wake() {
        Thread t = poller;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * One polling round: the guests' TX timers, every TX ring drained into its destination's RX
     * ring, every RX threshold checked.
     *
     * @return the nearest timer deadline still ahead (clock nanos), or -1 if none; Long.MIN_VALUE if frames moved
     */
    long pollOnce() {
        long next = -1;
        boolean moved = false;
        for (Vnic v : vnics) {
            next = earlier(next, v.txTimer());
            moved |= v.drainTx(this::forward) > 0;
        }
        for (Vnic v : vnics) {
            next = earlier(next, v.rxCheck());
        }
        return moved ? Long.MIN_VALUE : next;
    }

    private static long earlier(long a, long b) {
        return a == -1 ? b : b == -1 ? a : Math.min(a, b);
    }

    private boolean forward(Frame f) {
        Vnic dst = byMac.get(f.dst());
        if (dst == null) {
            unknownDst.incrementAndGet();
            return true;
        }
        if (!dst.deliver(f)) {
            return false;
        }
        forwarded.incrementAndGet();
        return true;
    }

    long forwarded() {
        return forwarded.get();
    }

    long unknownDestination() {
        return unknownDst.get();
    }

    /** Starts the poller thread {@code vstack-vnic-<host>}. */
    synchronized void start() {
        if (poller != null) {
            return;
        }
        running = true;
        Thread t = new Thread(this::run, "vstack-vnic-" + host);
        t.setDaemon(true);
        poller = t;
        t.start();
    }

    /** Stops the poller and waits for it. */
    void stop() throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = poller;
            running = false;
            poller = null;
        }
        if (t != null) {
            LockSupport.unpark(t);
            t.join(TimeUnit.SECONDS.toMillis(5));
        }
    }

    private void run() {
        while (running) {
            long next = pollOnce();
            if (next == Long.MIN_VALUE) {
                continue;
            }
            long most = IDLE_NANOS;
            for (Vnic v : vnics) {
                if (v.clustering()) {
                    most = POLL_NANOS;
                    break;
                }
            }
            long wait = next == -1 ? most : next - clock.getAsLong();
            if (wait > 0) {
                LockSupport.parkNanos(this, Math.min(wait, most));
            }
        }
    }
}
