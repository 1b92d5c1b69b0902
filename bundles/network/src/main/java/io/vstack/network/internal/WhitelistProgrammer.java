package io.vstack.network.internal;

import io.vstack.api.net.MobilityEvent;
import io.vstack.api.net.NetworkProgrammer;
import io.vstack.api.net.NetworkProgrammingException;
import io.vstack.api.net.VmInterface;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Whitelist (US20200034191): each host has its own ENI per network; the VM's addresses are
 * assigned (with allow-reassignment, so they move atomically) to the destination host's ENI
 * while the VM is stunned. Acts on the interfaces whose network is configured {@code whitelist}.
 * Rollback assigns the addresses back to the ENI that held them before.
 */
@Component(service = NetworkProgrammer.class, property = NetworkProgrammer.NAME_PROPERTY + "=" + DatacenterController.WHITELIST)
public final class WhitelistProgrammer implements NetworkProgrammer {

    private final DatacenterController controller;
    /** Per migration: address → ENI that held it before. */
    private final Map<String, Map<String, String>> before = new ConcurrentHashMap<>();

    /** The programmer over the datacenter's controller. */
    @Activate
    public WhitelistProgrammer(@Reference DatacenterController controller) {
        this.controller = controller;
    }

    @Override
    public String name() {
        return DatacenterController.WHITELIST;
    }

    private List<VmInterface> mine(MobilityEvent event) {
        return event.interfaces().stream().filter(i -> controller.programmerFor(i.network()).equals(name())).toList();
    }

    @Override
    public void prepare(MobilityEvent event) throws NetworkProgrammingException {
        Map<String, String> state = new ConcurrentHashMap<>();
        for (VmInterface nic : mine(event)) {
            Eni source = controller.hostEni(event.sourceHost(), nic.network());
            controller.hostEni(event.destinationHost(), nic.network());
            for (String ip : nic.addresses()) {
                String holder = controller.eniWithIp(ip).map(Eni::id).orElse(null);
                if (holder == null) {
                    controller.assignPrivateIps(source.id(), List.of(ip), false);
                    holder = source.id();
                }
                state.put(ip, holder);
            }
        }
        before.put(event.migrationId(), state);
    }

    @Override
    public void reprogram(MobilityEvent event) throws NetworkProgrammingException {
        for (VmInterface nic : mine(event)) {
            Eni destination = controller.hostEni(event.destinationHost(), nic.network());
            try {
                controller.assignPrivateIps(destination.id(), nic.addresses(), true);
            } catch (RuntimeException e) {
                throw new NetworkProgrammingException("whitelist: cannot allow " + nic.addresses() + " of VM " + event.vmId()
                        + " on " + destination.id() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void complete(MobilityEvent event) {
        before.remove(event.migrationId());
    }

    @Override
    public void rollback(MobilityEvent event) {
        Map<String, String> state = before.remove(event.migrationId());
        if (state == null) {
            return;
        }
        for (Map.Entry<String, String> e : state.entrySet()) {
            if (controller.eni(e.getValue()).isPresent()) {
                controller.assignPrivateIps(e.getValue(), List.of(e.getKey()), true);
            }
        }
    }
}
