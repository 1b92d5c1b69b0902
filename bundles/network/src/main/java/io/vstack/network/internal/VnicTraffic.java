package io.vstack.network.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A traffic run between two vNICs on one switch: a guest sender thread on the first queues frames
 * of {@code size} wire bytes at {@code pps} (0: as fast as the TX ring takes them), each carrying
 * its sequence number and send time; a guest receiver thread on the second sleeps until its RX
 * interrupt and then polls NAPI-style, measuring each frame's latency and checking the sequence.
 */
final class VnicTraffic {

    /** Smallest frame: header plus sequence number and timestamp. */
    static final int MIN_SIZE = Frame.HEADER + 16;
    private static final int MAX_SAMPLES = 1 << 21;
    private static final long RX_SAFETY_PARK = TimeUnit.MILLISECONDS.toNanos(10);

    private VnicTraffic() {
    }

    /**
     * Runs traffic from {@code from} to {@code to} for {@code seconds}, both on one running switch.
     *
     * @throws InterruptedException if interrupted while waiting for the run
     */
    static TrafficResult run(Vnic from, Vnic to, int pps, int size, double seconds) throws InterruptedException {
        if (size < MIN_SIZE || size > Frame.HEADER + Frame.MAX_PAYLOAD) {
            throw new IllegalArgumentException("size must be between " + MIN_SIZE + " and " + (Frame.HEADER + Frame.MAX_PAYLOAD)
                    + " bytes, not " + size);
        }
        if (pps < 0) {
            throw new IllegalArgumentException("pps must be 0 (as fast as possible) or more, not " + pps);
        }
        if (!(seconds > 0 && seconds <= 600)) {
            throw new IllegalArgumentException("seconds must be more than 0 and at most 600, not " + seconds);
        }
        VnicStats fromBefore = from.stats();
        VnicStats toBefore = to.stats();
        long[] latencies = new long[MAX_SAMPLES];
        long[] counts = new long[3];
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicBoolean receiving = new AtomicBoolean(true);
        long[] sentBox = new long[1];
        Thread receiver = new Thread(() -> receive(to, latencies, counts, receiving), "vstack-vnic-rx-" + to.vm());
        to.onInterrupt(() -> LockSupport.unpark(receiver));
        Thread sender = new Thread(() -> sentBox[0] = send(from, to.mac(), pps, size, seconds, sending), "vstack-vnic-tx-" + from.vm());
        long start = System.nanoTime();
        receiver.start();
        sender.start();
        try {
            sender.join();
            long end = System.nanoTime();
            long grace = end + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < grace && toStats(to, toBefore) < sentBox[0]) {
                Thread.sleep(1);
            }
            receiving.set(false);
            LockSupport.unpark(receiver);
            receiver.join();
            double elapsed = (end - start) / 1e9;
            long sent = sentBox[0];
            long received = counts[0];
            VnicStats fromAfter = from.stats();
            VnicStats toAfter = to.stats();
            int samples = (int) Math.min(received, MAX_SAMPLES);
            Arrays.sort(latencies, 0, samples);
            return new TrafficResult(sent, received, sent - received, counts[1], received / elapsed,
                    per(fromAfter.doorbells() - fromBefore.doorbells(), sent),
                    per(toAfter.interrupts() - toBefore.interrupts(), received),
                    percentile(latencies, samples, 0.50), percentile(latencies, samples, 0.99));
        } finally {
            sending.set(false);
            receiving.set(false);
            LockSupport.unpark(receiver);
            sender.join();
            receiver.join();
            to.onInterrupt(() -> { });
        }
    }

    private static long toStats(Vnic to, VnicStats before) {
        VnicStats s = to.stats();
        return s.received() - before.received();
    }

    private static double per(long n, long packets) {
        return packets == 0 ? 0 : (double) n / packets;
    }

    private static double percentile(long[] sorted, int n, double q) {
        return n == 0 ? 0 : sorted[(int) Math.min(n - 1, Math.ceil(q * n) - 1)] / 1000.0;
    }

    private static long send(Vnic from, long dst, int pps, int size, double seconds, AtomicBoolean sending) {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long seq = 0;
        while (sending.get()) {
            long now = System.nanoTime();
            if (now - end >= 0) {
                break;
            }
            if (pps > 0) {
                long due = start + (long) (seq * 1e9 / pps);
                if (due - now > 0) {
                    LockSupport.parkNanos(Math.min(due - now, end - now));
                    continue;
                }
            }
            byte[] payload = new byte[size - Frame.HEADER];
            ByteBuffer.wrap(payload).putLong(seq).putLong(System.nanoTime());
            while (!from.transmit(new Frame(dst, from.mac(), Frame.ETHERTYPE_TEST, payload))) {
                if (!sending.get()) {
                    return seq;
                }
                Thread.yield();
            }
            seq++;
        }
        return seq;
    }

    private static void receive(Vnic to, long[] latencies, long[] counts, AtomicBoolean receiving) {
        while (true) {
            int n = to.napiPoll(Vnic.NAPI_WEIGHT, f -> {
                ByteBuffer b = ByteBuffer.wrap(f.payload());
                long seq = b.getLong();
                long latency = System.nanoTime() - b.getLong();
                long i = counts[0]++;
                if (i < MAX_SAMPLES) {
                    latencies[(int) i] = latency;
                }
                if (seq < counts[2]) {
                    counts[1]++;
                }
                counts[2] = seq + 1;
            });
            if (n < Vnic.NAPI_WEIGHT && to.stats().rxQueued() == 0) {
                if (!receiving.get()) {
                    return;
                }
                LockSupport.parkNanos(to, RX_SAFETY_PARK);
            }
        }
    }
}
