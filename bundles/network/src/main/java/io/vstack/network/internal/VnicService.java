package io.vstack.network.internal;

import io.vstack.api.UserText;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmListener;
import io.vstack.api.vm.VmState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every running VM one {@link Vnic} plugged into its host's {@link VnicSwitch} (whose poller
 * starts with the host's first vNIC), moves it to the new host's switch when the VM moves, and
 * unplugs it when the VM stops or goes away. What the {@code net:vnic-*} and {@code net:traffic}
 * commands use.
 */
@Component(service = {VnicService.class, VmListener.class}, immediate = true)
public final class VnicService implements VmListener {

    /** Entries per TX and RX ring. */
    static final int RING_SIZE = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(VnicService.class);
    private final Map<String, VnicSwitch> switches = new ConcurrentHashMap<>();
    private final Map<String, Vnic> vnics = new ConcurrentHashMap<>();
    private final Map<String, String> hostOf = new ConcurrentHashMap<>();
    private final AtomicBoolean trafficRunning = new AtomicBoolean();

    /**
     * One vNIC as the commands show it.
     *
     * @param vm       its VM
     * @param host     the host whose switch it is plugged into
     * @param mac      its MAC
     * @param settings its coalescing
     * @param clustering whether clustering applies now
     * @param stats    its counters
     */
    public record VnicView(String vm, String host, String mac, String settings, boolean clustering, VnicStats stats) {
    }

    @Override
    public synchronized void vmChanged(VmInfo vm) {
        boolean up = vm.state() == VmState.RUNNING || vm.state() == VmState.SUSPENDED || vm.state() == VmState.MIGRATING;
        if (!up) {
            if (vm.state() == VmState.STOPPED) {
                unplug(vm.id());
            }
            return;
        }
        Vnic v = vnics.computeIfAbsent(vm.id(), id -> new Vnic(id, RING_SIZE, System::nanoTime));
        String was = hostOf.put(vm.id(), vm.host());
        if (!vm.host().equals(was)) {
            if (was != null) {
                switches.get(was).detach(v);
            }
            VnicSwitch s = switches.computeIfAbsent(vm.host(), h -> new VnicSwitch(h, System::nanoTime));
            s.attach(v);
            s.start();
        }
    }

    @Override
    public synchronized void vmDeleted(VmInfo vm) {
        unplug(vm.id());
    }

    private void unplug(String vm) {
        Vnic v = vnics.remove(vm);
        String host = hostOf.remove(vm);
        if (v != null && host != null) {
            switches.get(host).detach(v);
        }
    }

    /** Every vNIC, by VM. */
    public List<VnicView> list() {
        List<VnicView> out = new ArrayList<>();
        for (Vnic v : vnics.values()) {
            out.add(new VnicView(v.vm(), hostOf.getOrDefault(v.vm(), "-"), Frame.macText(v.mac()), v.settings().describe(),
                    v.clustering(), v.stats()));
        }
        out.sort(Comparator.comparing(VnicView::vm));
        return out;
    }

    /** The names of the VMs with a vNIC. */
    public List<String> vms() {
        return list().stream().map(VnicView::vm).toList();
    }

    /**
     * Changes {@code vm}'s coalescing: each null keeps the current value; {@code off} turns clustering off.
     *
     * @return the new settings, described
     * @throws IllegalArgumentException naming the VM or the bad value
     */
    public String coalesce(String vm, Integer rxUsecs, Integer rxFrames, Integer txUsecs, Integer txFrames, Boolean adaptive,
                           boolean off) {
        Vnic v = vnic(vm);
        Coalescing c = v.settings();
        boolean anyValue = rxUsecs != null || rxFrames != null || txUsecs != null || txFrames != null || adaptive != null;
        Coalescing next = new Coalescing(rxUsecs != null ? rxUsecs : c.rxUsecs(), rxFrames != null ? rxFrames : c.rxFrames(),
                txUsecs != null ? txUsecs : c.txUsecs(), txFrames != null ? txFrames : c.txFrames(),
                adaptive != null ? adaptive : c.adaptive(), off || (c.off() && !anyValue));
        v.configure(next);
        return next.describe();
    }

    /**
     * Runs traffic from {@code from}'s vNIC to {@code to}'s; both VMs must run on one host.
     *
     * @throws IllegalArgumentException naming the VM or value at fault
     * @throws InterruptedException     if interrupted during the run
     */
    public TrafficResult traffic(String from, String to, int pps, int size, double seconds) throws InterruptedException {
        Vnic a = vnic(from);
        Vnic b = vnic(to);
        if (a == b) {
            throw new IllegalArgumentException("traffic needs two different VMs, not " + UserText.quote(from) + " twice");
        }
        String ha = hostOf.get(from);
        String hb = hostOf.get(to);
        if (ha == null || !ha.equals(hb)) {
            throw new IllegalArgumentException("VMs " + UserText.quote(from) + " and " + UserText.quote(to)
                    + " are not on one host; vNIC traffic is switched within a host");
        }
        if (!trafficRunning.compareAndSet(false, true)) {
            throw new IllegalArgumentException("a traffic run is already going; wait for it to end");
        }
        try {
            return VnicTraffic.run(a, b, pps, size, seconds);
        } finally {
            trafficRunning.set(false);
        }
    }

    private Vnic vnic(String vm) {
        Vnic v = vnics.get(vm);
        if (v == null) {
            throw new IllegalArgumentException("no vNIC for VM " + UserText.quote(vm) + "; a VM gets one while it runs (net:vnic-list)");
        }
        return v;
    }

    @Deactivate
    void deactivate() {
        for (VnicSwitch s : switches.values()) {
            try {
                s.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("stopping the vNIC poller of {} was interrupted", s.host());
                return;
            }
        }
    }
}
