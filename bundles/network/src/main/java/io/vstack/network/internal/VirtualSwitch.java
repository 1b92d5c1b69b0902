package io.vstack.network.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One host's virtual switch. The controller programs it with every ENI change (the ENI's
 * generation, where it is attached, its IPs); it forwards a VM's frame only while the sending
 * address belongs to an ENI attached to this host at the controller's current generation, and
 * delivers only to an address whose ENI is attached, at its current generation, to the switch
 * of the receiving host. Thread-safe.
 */
final class VirtualSwitch {

    private record Programmed(Eni eni, long programmedNanos) {
    }

    private final String host;
    private final DatacenterController controller;
    private final Map<String, Programmed> table = new ConcurrentHashMap<>();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong programmings = new AtomicLong();
    private final AtomicLong programmingNanos = new AtomicLong();

    VirtualSwitch(String host, DatacenterController controller) {
        this.host = host;
        this.controller = controller;
    }

    String host() {
        return host;
    }

    /** Applies one ENI's new state (called by the controller with its lock held). */
    void program(Eni eni) {
        long start = System.nanoTime();
        if (eni.attachedHost().filter(host::equals).isPresent()) {
            table.put(eni.id(), new Programmed(eni, start));
        } else {
            table.remove(eni.id());
        }
        programmings.incrementAndGet();
        programmingNanos.addAndGet(System.nanoTime() - start);
    }

    /** Whether {@code ip} is allowed on an ENI attached here, programmed at the controller's current generation. */
    boolean allows(String ip) {
        for (Programmed p : table.values()) {
            if (p.eni().privateIps().contains(ip) && p.eni().generation() == controller.generation(p.eni().id())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sends a frame from {@code srcIp} (a VM on this host) to {@code dstIp}.
     *
     * @return whether it was delivered
     */
    boolean send(String srcIp, String dstIp) {
        if (!allows(srcIp)) {
            dropped.incrementAndGet();
            return false;
        }
        Optional<Eni> target = controller.eniWithIp(dstIp);
        Optional<String> dstHost = target.flatMap(Eni::attachedHost);
        if (dstHost.isEmpty() || !controller.vswitch(dstHost.get()).allows(dstIp)) {
            dropped.incrementAndGet();
            return false;
        }
        forwarded.incrementAndGet();
        return true;
    }

    long forwarded() {
        return forwarded.get();
    }

    long dropped() {
        return dropped.get();
    }

    /** ENIs programmed here now. */
    int entries() {
        return table.size();
    }

    /** Mean time to apply one programming, in nanoseconds. */
    long meanProgrammingNanos() {
        long n = programmings.get();
        return n == 0 ? 0 : programmingNanos.get() / n;
    }
}
