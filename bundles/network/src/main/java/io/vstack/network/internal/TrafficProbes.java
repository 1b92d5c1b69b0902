package io.vstack.network.internal;

import io.vstack.api.UserText;
import io.vstack.api.net.Ipv4;
import io.vstack.api.net.MobilityEvent;
import io.vstack.api.net.NetworkProgrammer;
import io.vstack.api.net.VmInterface;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traffic probes: a sender on behalf of a VM sends sequence-numbered frames at a fixed period
 * from one of its addresses to another address, through the virtual switch of the host the VM
 * runs on now (as {@link VmService} reports it); every delivery is timed. Registered as the
 * network programmer {@code probe}, which programs nothing: it observes each migration, and its
 * {@link #figures} give, for the probe sending from the moving VM, the last frame delivered
 * before the gap that spans the reprogramming (the VM is stunned then) and the first one after
 * it (waiting up to 200 ms for traffic to resume), so that the migration can report the blackout.
 * One thread per probe, named {@code vstack-net-probe-<id>}, stopped with the probe or at deactivation.
 */
@Component(service = {TrafficProbes.class, NetworkProgrammer.class}, immediate = true,
        property = NetworkProgrammer.NAME_PROPERTY + "=" + TrafficProbes.NAME)
public final class TrafficProbes implements NetworkProgrammer {

    static final String NAME = "probe";
    private static final Logger LOG = LoggerFactory.getLogger(TrafficProbes.class);
    private static final long RESUME_WAIT_NANOS = 200_000_000L;

    private final DatacenterController controller;
    private volatile VmService vms;
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();
    private final Map<String, Long> watching = new ConcurrentHashMap<>();
    private final Map<String, Long> reprogrammed = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    /** The probes over the datacenter's controller; the VMs come with {@link #setVms} (the vm bundle is optional here). */
    @Activate
    public TrafficProbes(@Reference DatacenterController controller) {
        this.controller = controller;
    }

    /** The probes over the datacenter's controller and the VMs (tests, benchmarks). */
    public TrafficProbes(DatacenterController controller, VmService vms) {
        this(controller);
        this.vms = vms;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setVms(VmService service) {
        vms = service;
    }

    void unsetVms(VmService service) {
        if (vms == service) {
            vms = null;
        }
    }

    private Optional<String> hostOf(String vm) {
        VmService service = vms;
        return service == null ? Optional.empty() : service.vm(vm).map(VmInfo::host);
    }

    /** One gap in the deliveries longer than twice the period. */
    record Gap(long lastBeforeNanos, long firstAfterNanos, long framesLost) {
        long nanos() {
            return firstAfterNanos - lastBeforeNanos;
        }
    }

    /** What a probe has seen so far. */
    public record ProbeStatus(String id, String vm, String srcIp, String dstIp, Duration period, long sent, long delivered,
                       long dropped, long longestGapNanos, Optional<String> lastHost) {
    }

    /** One sender. */
    final class Probe implements Runnable {
        final String id;
        final String vm;
        final String srcIp;
        final String dstIp;
        final long periodNanos;
        private final Thread thread;
        private final List<Gap> gaps = new ArrayList<>(); // guarded by this; the last 256
        private volatile boolean stop;
        private volatile long sent;
        private volatile long delivered;
        private volatile long lastDelivered;
        private volatile long lastDeliveredSeq;
        private volatile long longestGap;
        private volatile String lastHost;

        Probe(String id, String vm, String srcIp, String dstIp, long periodNanos) {
            this.id = id;
            this.vm = vm;
            this.srcIp = srcIp;
            this.dstIp = dstIp;
            this.periodNanos = periodNanos;
            this.thread = new Thread(this, "vstack-net-probe-" + id);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            long next = System.nanoTime();
            long seq = 0;
            while (!stop) {
                seq++;
                // The time of a frame is taken before it is sent: a frame the switch let through
                // before a move must not look delivered after it because this thread was descheduled
                // between the send and the clock (it would then hide the move's gap).
                long now = System.nanoTime();
                Optional<String> host = hostOf(vm);
                boolean ok = host.isPresent() && controller.vswitch(host.get()).send(srcIp, dstIp);
                sent = seq;
                if (ok) {
                    long last = lastDelivered;
                    if (last != 0 && now - last > 2 * periodNanos) {
                        Gap g = new Gap(last, now, seq - lastDeliveredSeq - 1);
                        synchronized (this) {
                            gaps.add(g);
                            if (gaps.size() > 256) {
                                gaps.remove(0);
                            }
                        }
                        longestGap = Math.max(longestGap, g.nanos());
                    }
                    lastDelivered = now;
                    lastDeliveredSeq = seq;
                    delivered++;
                    lastHost = host.get();
                }
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else if (wait < -100 * periodNanos) {
                    next = System.nanoTime(); // fell far behind (the machine was busy): do not burst
                }
            }
        }

        synchronized List<Gap> gaps() {
            return List.copyOf(gaps);
        }

        ProbeStatus status() {
            return new ProbeStatus(id, vm, srcIp, dstIp, Duration.ofNanos(periodNanos), sent, delivered, sent - delivered,
                    longestGap, Optional.ofNullable(lastHost));
        }
    }

    /**
     * Starts a probe sending from {@code srcIp} of VM {@code vm} to {@code dstIp} every {@code period}.
     *
     * @throws IllegalArgumentException if the VM is unknown, the address is not one of its own, or the period is not from 100 µs to 1 s
     */
    public ProbeStatus start(String vm, String srcIp, String dstIp, Duration period) {
        VmService service = vms;
        if (service == null) {
            throw new IllegalArgumentException("no VM service: install the vstack-vm feature to probe a VM's traffic");
        }
        VmInfo info = service.vm(vm).orElseThrow(() -> new IllegalArgumentException("No VM named " + UserText.quote(vm) + "; vm:list shows the VMs"));
        Ipv4.require("destination address", dstIp);
        if (info.spec().interfaces().stream().noneMatch(i -> i.addresses().contains(srcIp))) {
            throw new IllegalArgumentException("address " + srcIp + " is not one of VM " + vm + "'s");
        }
        if (period.compareTo(Duration.ofNanos(100_000)) < 0 || period.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("period must be from 100us to 1s");
        }
        Probe p = new Probe("p" + ids.incrementAndGet(), vm, srcIp, dstIp, period.toNanos());
        probes.put(p.id, p);
        p.thread.start();
        LOG.info("Traffic probe {} started: VM {} {} -> {} every {} µs", p.id, vm, srcIp, dstIp, period.toNanos() / 1000);
        return p.status();
    }

    /** Stops a probe and returns what it saw. */
    public ProbeStatus stop(String id) {
        Probe p = probes.remove(id);
        if (p == null) {
            throw new IllegalArgumentException("No probe '" + id + "'; net:probe-list shows them");
        }
        stopThread(p);
        return p.status();
    }

    /** Every running probe. */
    public List<ProbeStatus> list() {
        return probes.values().stream().map(Probe::status).sorted(java.util.Comparator.comparing(ProbeStatus::id)).toList();
    }

    private static void stopThread(Probe p) {
        p.stop = true;
        LockSupport.unpark(p.thread);
        try {
            p.thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops every probe. */
    @Deactivate
    public void deactivate() {
        probes.values().forEach(TrafficProbes::stopThread);
        probes.clear();
    }

    // ---- NetworkProgrammer: observes only ----

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void prepare(MobilityEvent event) {
        watching.put(event.migrationId(), System.nanoTime());
    }

    @Override
    public void reprogram(MobilityEvent event) {
        reprogrammed.put(event.migrationId(), System.nanoTime()); // observes only: the VM is stunned now
    }

    @Override
    public void rollback(MobilityEvent event) {
        // observes only
    }

    @Override
    public Map<String, Long> figures(MobilityEvent event) {
        Long since = watching.remove(event.migrationId());
        List<String> addresses = event.interfaces().stream().map(VmInterface::addresses).flatMap(List::stream).toList();
        List<Probe> mine = probes.values().stream().filter(p -> p.vm.equals(event.vmId()) && addresses.contains(p.srcIp)).toList();
        if (since == null || mine.isEmpty()) {
            return Map.of();
        }
        long asked = System.nanoTime();
        Map<String, Long> out = new LinkedHashMap<>();
        Probe probe = mine.get(0);
        // The VM runs again (at the destination, or at the source after a rollback): wait briefly for a delivery.
        while (probe.lastDelivered < asked && System.nanoTime() - asked < RESUME_WAIT_NANOS) {
            LockSupport.parkNanos(probe.periodNanos);
        }
        // The blackout is the gap in deliveries around the switchover: the one that spans the
        // moment the network was reprogrammed (the VM stunned), not a pause of the probe's own
        // thread earlier in the pre-copy (those lose no frame and are not counted).
        Long at = reprogrammed.remove(event.migrationId());
        Gap around = null;
        for (Gap g : probe.gaps()) {
            if (g.firstAfterNanos() > since && at != null && g.lastBeforeNanos() <= at && at <= g.firstAfterNanos()) {
                around = g;
            }
        }
        out.put("probePeriodNanos", probe.periodNanos);
        out.put("probeResumed", probe.lastDelivered >= asked ? 1L : 0L);
        if (around != null) {
            out.put("lastDeliveredBeforeNanos", around.lastBeforeNanos());
            out.put("firstDeliveredAfterNanos", around.firstAfterNanos());
            out.put("gapNanos", around.nanos());
            out.put("framesLostInGap", around.framesLost());
        }
        return out;
    }
}
