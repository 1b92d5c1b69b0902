package io.vstack.network.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * One VM's virtual NIC: a TX and an RX {@link FrameRing}, the guest driver's side (transmit with
 * a deferred doorbell, NAPI receive) and the device's side (drain TX, deliver RX, raise the
 * interrupt), after US9804904's packet clustering.
 * <ul>
 * <li><b>TX</b>: {@link #transmit} appends to the TX ring and rings the doorbell only when
 * {@code txFrames} frames are pending, the ring fills to ¾, or (from the guest's TX timer,
 * {@link #txTimer}) the oldest pending frame has waited {@code txUsecs}. The host drains the ring
 * on its own poller thread ({@link #drainTx}), woken by the doorbell and, while clustering, polling on
 * its own: the sending thread never waits for the host, and frames the host took need no doorbell.</li>
 * <li><b>RX</b>: the host appends to the RX ring ({@link #deliver}) and raises the virtual
 * interrupt ({@link #rxCheck}) only when {@code rxFrames} frames are on the RX ring or the first has
 * waited {@code rxUsecs}, and only while the guest has interrupts enabled; the guest then polls
 * NAPI-style ({@link #napiPoll}, at most {@link #NAPI_WEIGHT} per round) and re-enables the
 * interrupt when a round finds fewer frames than its budget.</li>
 * <li><b>Adaptive</b>: clustering applies only while the host counted more than 120 packets in the
 * last 120 ms window; otherwise, and when {@code off}, every frame notifies.</li>
 * </ul>
 * <p><b>Threads.</b> {@link #transmit} and {@link #napiPoll} from the guest's threads (one sender, one
 * receiver); {@link #txTimer}, {@link #drainTx}, {@link #deliver}, {@link #rxCheck} from the host
 * switch's poller thread; the rest from any thread.
 */
final class Vnic {

    /** NAPI's poll weight. */
    static final int NAPI_WEIGHT = 64;
    /** Frames the host drains from one TX ring per round (QEMU's TX burst). */
    static final int TX_BURST = 256;
    private static final Coalescing NOTIFY_EACH = new Coalescing(0, 1, 0, 1, false, true);

    private final String vm;
    private final long mac;
    private final FrameRing tx;
    private final FrameRing rx;
    private final LongSupplier clock;
    private volatile Coalescing settings = Coalescing.DEFAULT;
    private volatile Runnable doorbellTarget = () -> { };
    private volatile Runnable interruptTarget = () -> { };

    private final Object txLock = new Object();
    private int txPending;
    private long txOldestNanos;

    private long rxFirstNanos;
    private volatile boolean irqEnabled = true;
    private volatile boolean rxStalled;

    private long windowStartNanos;
    private long windowPackets;
    private volatile boolean clustering;

    private final AtomicLong doorbells = new AtomicLong();
    private final AtomicLong interrupts = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong rxFull = new AtomicLong();

    /**
     * @param vm        the VM it belongs to
     * @param ringSize  entries per ring (a power of two)
     * @param clock     nanosecond clock of every trigger
     */
    Vnic(String vm, int ringSize, LongSupplier clock) {
        this.vm = vm;
        this.mac = Frame.macOf(vm);
        this.tx = new FrameRing(ringSize);
        this.rx = new FrameRing(ringSize);
        this.clock = clock;
        this.windowStartNanos = clock.getAsLong();
    }

    String vm() {
        return vm;
    }

    long mac() {
        return mac;
    }

    Coalescing settings() {
        return settings;
    }

    void configure(Coalescing c) {
        settings = c;
    }

    /** What the host calls when the guest rings the doorbell (the switch wakes its poller). */
    void onDoorbell(Runnable r) {
        doorbellTarget = r;
    }

    /** What a raised interrupt runs (the guest wakes its receive thread). */
    void onInterrupt(Runnable r) {
        interruptTarget = r;
    }

    /** Whether clustering applies now (not off, and above the adaptive rate if adaptive). */
    boolean clustering() {
        Coalescing s = settings;
        return !s.off() && (!s.adaptive() || clustering);
    }

    private Coalescing effective() {
        return clustering() ? settings : NOTIFY_EACH;
    }

    /**
     * Guest: queues {@code f} for transmission, ringing the doorbell if a trigger fires.
     *
     * @return false if the TX ring is full (the doorbell is rung, once, if frames were queued since the last)
     */
    boolean transmit(Frame f) {
        synchronized (txLock) {
            if (tx.size() == 0) {
                txPending = 0;
            }
            if (!tx.offer(f)) {
                if (txPending > 0) {
                    kick();
                }
                return false;
            }
            sent.incrementAndGet();
            if (txPending++ == 0) {
                txOldestNanos = clock.getAsLong();
            }
            Coalescing c = effective();
            if (txPending >= c.txFrames() || c.txUsecs() == 0 || tx.size() == tx.capacity() * 3 / 4) {
                kick();
            }
            return true;
        }
    }

    /**
     * Guest TX timer: rings the doorbell if the oldest pending frame has waited txUsecs and the host
     * has not taken it yet; returns the deadline still ahead or -1.
     */
    long txTimer() {
        synchronized (txLock) {
            if (txPending == 0 || tx.size() == 0) {
                txPending = 0;
                return -1;
            }
            long deadline = txOldestNanos + TimeUnit.MICROSECONDS.toNanos(effective().txUsecs());
            if (clock.getAsLong() - deadline >= 0) {
                kick();
                return -1;
            }
            return deadline;
        }
    }

    private void kick() {
        txPending = 0;
        doorbells.incrementAndGet();
        doorbellTarget.run();
    }

    /**
     * Host: drains up to {@link #TX_BURST} frames from the TX ring into {@code out}, stopping at the
     * first frame {@code out} refuses (its destination's RX ring is full: it stays on the TX ring).
     *
     * @return how many frames left the ring
     */
    int drainTx(Predicate<Frame> out) {
        int n = 0;
        Frame f;
        while (n < TX_BURST && (f = tx.peek()) != null && out.test(f)) {
            tx.advance();
            n++;
        }
        countRate(n);
        return n;
    }

    /**
     * Host: puts {@code f} on the RX ring; false (counted) if the guest's ring is full, in which case
     * the guest kicks the host once it has taken frames off the ring (virtio's RX refill kick).
     */
    boolean deliver(Frame f) {
        boolean first = rx.size() == 0;
        if (!rx.offer(f)) {
            rxFull.incrementAndGet();
            rxStalled = true;
            return false;
        }
        if (first) {
            rxFirstNanos = clock.getAsLong();
        }
        countRate(1);
        return true;
    }

    /** Host: raises the interrupt if a threshold is passed; returns the RX deadline still ahead, or -1. */
    long rxCheck() {
        int pending = rx.size();
        if (pending == 0 || !irqEnabled) {
            return -1;
        }
        Coalescing c = effective();
        long deadline = rxFirstNanos + TimeUnit.MICROSECONDS.toNanos(c.rxUsecs());
        if (pending >= c.rxFrames() || clock.getAsLong() - deadline >= 0) {
            irqEnabled = false;
            interrupts.incrementAndGet();
            interruptTarget.run();
            return -1;
        }
        return deadline;
    }

    /**
     * Guest: one NAPI round, at most {@code min(budget, 64)} frames into {@code out}; re-enables the
     * interrupt if the round found fewer than its budget.
     */
    int napiPoll(int budget, Consumer<Frame> out) {
        int limit = Math.min(budget, NAPI_WEIGHT);
        int n = 0;
        Frame f;
        while (n < limit && (f = rx.poll()) != null) {
            out.accept(f);
            n++;
        }
        received.addAndGet(n);
        if (n < limit) {
            irqEnabled = true;
        }
        if (n > 0 && rxStalled) {
            rxStalled = false;
            doorbells.incrementAndGet();
            doorbellTarget.run();
        }
        return n;
    }

    /** Whether the guest has its RX interrupt enabled (it is off between an interrupt and a short NAPI round). */
    boolean interruptEnabled() {
        return irqEnabled;
    }

    private void countRate(int packets) {
        long now = clock.getAsLong();
        if (now - windowStartNanos >= TimeUnit.MILLISECONDS.toNanos(Coalescing.ADAPTIVE_WINDOW_MS)) {
            clustering = windowPackets > Coalescing.ADAPTIVE_PACKETS;
            windowStartNanos = now;
            windowPackets = 0;
        }
        windowPackets += packets;
        if (windowPackets > Coalescing.ADAPTIVE_PACKETS) {
            clustering = true;
        }
    }

    /** Counters. */
    VnicStats stats() {
        return new VnicStats(sent.get(), received.get(), doorbells.get(), interrupts.get(), rxFull.get(), tx.size(), rx.size());
    }
}
