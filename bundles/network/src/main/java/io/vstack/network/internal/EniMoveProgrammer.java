package io.vstack.network.internal;

import io.vstack.api.net.MobilityEvent;
import io.vstack.api.net.NetworkProgrammer;
import io.vstack.api.net.NetworkProgrammingException;
import io.vstack.api.net.VmInterface;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ENI move (US20200241901): the VM's own ENI follows it — detached at the source after the stun,
 * attached at the destination before the VM resumes there. Acts on the interfaces whose network
 * is configured {@code eni-move}. Rollback puts each ENI back where it was attached before.
 */
@Component(service = NetworkProgrammer.class, property = NetworkProgrammer.NAME_PROPERTY + "=" + DatacenterController.ENI_MOVE)
public final class EniMoveProgrammer implements NetworkProgrammer {

    private final DatacenterController controller;
    /** Per migration: ENI id → host it was attached to before (empty: not attached). */
    private final Map<String, Map<String, Optional<String>>> before = new ConcurrentHashMap<>();

    /** The programmer over the datacenter's controller. */
    @Activate
    public EniMoveProgrammer(@Reference DatacenterController controller) {
        this.controller = controller;
    }

    @Override
    public String name() {
        return DatacenterController.ENI_MOVE;
    }

    private List<VmInterface> mine(MobilityEvent event) {
        return event.interfaces().stream().filter(i -> controller.programmerFor(i.network()).equals(name())).toList();
    }

    @Override
    public void prepare(MobilityEvent event) throws NetworkProgrammingException {
        Map<String, Optional<String>> state = new ConcurrentHashMap<>();
        for (VmInterface nic : mine(event)) {
            Eni eni = controller.createEni(nic.eniId(), nic.network());
            if (!eni.privateIps().containsAll(nic.addresses())) {
                try {
                    controller.assignPrivateIps(eni.id(), nic.addresses(), false);
                } catch (IllegalStateException e) {
                    throw new NetworkProgrammingException("eni-move: VM " + event.vmId() + ": " + e.getMessage(), e);
                }
            }
            Optional<String> host = controller.eni(eni.id()).flatMap(Eni::attachedHost);
            if (host.isPresent() && !host.get().equals(event.sourceHost())) {
                throw new NetworkProgrammingException("eni-move: ENI " + eni.id() + " of VM " + event.vmId() + " is attached to "
                        + host.get() + ", not to the source " + event.sourceHost());
            }
            state.put(eni.id(), host);
        }
        before.put(event.migrationId(), state);
    }

    @Override
    public void reprogram(MobilityEvent event) throws NetworkProgrammingException {
        for (VmInterface nic : mine(event)) {
            try {
                controller.detach(nic.eniId());
                controller.attach(nic.eniId(), event.destinationHost(), event.vmId());
            } catch (RuntimeException e) {
                throw new NetworkProgrammingException("eni-move: cannot move ENI " + nic.eniId() + " of VM " + event.vmId()
                        + " to " + event.destinationHost() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void complete(MobilityEvent event) {
        before.remove(event.migrationId());
    }

    @Override
    public void rollback(MobilityEvent event) {
        Map<String, Optional<String>> state = before.remove(event.migrationId());
        if (state == null) {
            return;
        }
        for (Map.Entry<String, Optional<String>> e : state.entrySet()) {
            Optional<Eni> eni = controller.eni(e.getKey());
            if (eni.isEmpty() || eni.get().attachedHost().equals(e.getValue())) {
                continue;
            }
            controller.detach(e.getKey());
            e.getValue().ifPresent(host -> controller.attach(e.getKey(), host, event.vmId()));
        }
    }
}
