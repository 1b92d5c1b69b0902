package io.vstack.network.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Guest-networking benchmark (docs/BENCHMARKS.md, "Guest networking"): two vNICs on one host's
 * switch (real frames through the direct-buffer rings, the switch's poller thread, a guest sender
 * and a NAPI receiver thread), alternating clustering off and on in one run.
 * <ul>
 * <li>High load: 64 B frames as fast as the TX ring takes them; doorbells + interrupts per packet
 * and packets/s, median of the rounds, off vs the default clustering (rx 64 µs/32, tx 150 µs/256).</li>
 * <li>Low load: 64 B frames at 1,000/s with the default clustering; p99 latency against the
 * configured tx + rx µs + 100 µs, with the off p99 at the same load as the peer.</li>
 * </ul>
 * Lives in the network bundle's package to reach its internals on the plain class path.
 * Args: {@code [rounds] [seconds]} (default 3, 2).
 */
public final class VnicBench {

    private VnicBench() {
    }

    /** Runs the benchmark and prints the figures. */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        Coalescing on = Coalescing.DEFAULT;
        Coalescing off = new Coalescing(on.rxUsecs(), on.rxFrames(), on.txUsecs(), on.txFrames(), false, true);
        run(off, 0, 0.5);
        run(on, 0, 0.5);
        List<TrafficResult> offHigh = new ArrayList<>();
        List<TrafficResult> onHigh = new ArrayList<>();
        List<TrafficResult> offLow = new ArrayList<>();
        List<TrafficResult> onLow = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            offHigh.add(print("off high", run(off, 0, seconds)));
            onHigh.add(print("on  high", run(on, 0, seconds)));
            offLow.add(print("off low ", run(off, 1000, seconds)));
            onLow.add(print("on  low ", run(on, 1000, seconds)));
        }
        double nOff = median(offHigh, TrafficResult::notificationsPerPacket);
        double nOn = median(onHigh, TrafficResult::notificationsPerPacket);
        double pOff = median(offHigh, TrafficResult::packetsPerSecond);
        double pOn = median(onHigh, TrafficResult::packetsPerSecond);
        double p99On = median(onLow, TrafficResult::p99Micros);
        double p99Off = median(offLow, TrafficResult::p99Micros);
        int bound = on.txUsecs() + on.rxUsecs() + 100;
        System.out.printf(Locale.ROOT, "doorbells+interrupts/packet: on %.4f off %.4f -> %.1fx fewer%n", nOn, nOff, nOff / nOn);
        System.out.printf(Locale.ROOT, "packets/s: on %.0f off %.0f -> %.2fx%n", pOn, pOff, pOn / pOff);
        System.out.printf(Locale.ROOT, "low-load p99: on %.1f us (bound %d us) off %.1f us%n", p99On, bound, p99Off);
    }

    private static TrafficResult run(Coalescing c, int pps, double seconds) throws InterruptedException {
        VnicSwitch sw = new VnicSwitch("bench", System::nanoTime);
        Vnic a = new Vnic("a", VnicService.RING_SIZE, System::nanoTime);
        Vnic b = new Vnic("b", VnicService.RING_SIZE, System::nanoTime);
        a.configure(c);
        b.configure(c);
        sw.attach(a);
        sw.attach(b);
        sw.start();
        try {
            return VnicTraffic.run(a, b, pps, 64, seconds);
        } finally {
            sw.stop();
        }
    }

    private static TrafficResult print(String label, TrafficResult r) {
        System.out.printf(Locale.ROOT, "%s: %,d sent %,d received %d lost %d out of order | %.0f pps | doorbells/pkt %.4f"
                        + " interrupts/pkt %.4f | p50 %.1f us p99 %.1f us%n", label, r.sent(), r.received(), r.lost(), r.outOfOrder(),
                r.packetsPerSecond(), r.doorbellsPerPacket(), r.interruptsPerPacket(), r.p50Micros(), r.p99Micros());
        return r;
    }

    private static double median(List<TrafficResult> rs, ToDoubleFunction<TrafficResult> f) {
        List<Double> v = rs.stream().map(f::applyAsDouble).sorted(Comparator.naturalOrder()).toList();
        return v.get(v.size() / 2);
    }
}
