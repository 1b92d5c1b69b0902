package io.vstack.network.internal;

import io.vstack.api.net.VmInterface;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmListener;
import io.vstack.api.vm.VmState;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions a VM's network presence where it runs: an ENI-move interface gets its ENI (with its
 * addresses) attached to the VM's host when the VM runs and detached when it stops; a whitelist
 * interface's addresses go on its host's ENI. A VM that is already attached somewhere (during
 * a migration, the programmers move it) is left alone. Deleting the VM deletes its ENIs.
 */
@Component(service = VmListener.class, immediate = true)
public final class VmNetworkListener implements VmListener {

    private static final Logger LOG = LoggerFactory.getLogger(VmNetworkListener.class);
    private final DatacenterController controller;

    /** The listener over the datacenter's controller. */
    @Activate
    public VmNetworkListener(@Reference DatacenterController controller) {
        this.controller = controller;
    }

    @Override
    public void vmChanged(VmInfo vm) {
        boolean up = vm.state() == VmState.RUNNING || vm.state() == VmState.SUSPENDED || vm.state() == VmState.MIGRATING;
        for (VmInterface nic : vm.spec().interfaces()) {
            try {
                if (controller.programmerFor(nic.network()).equals(DatacenterController.ENI_MOVE)) {
                    Eni eni = controller.createEni(nic.eniId(), nic.network());
                    if (!eni.privateIps().containsAll(nic.addresses())) {
                        controller.assignPrivateIps(eni.id(), nic.addresses(), false);
                    }
                    if (up && controller.eni(eni.id()).flatMap(Eni::attachedHost).isEmpty()) {
                        controller.attach(eni.id(), vm.host(), vm.id());
                    } else if (vm.state() == VmState.STOPPED) {
                        controller.detach(eni.id());
                    }
                } else if (up) {
                    for (String ip : nic.addresses()) {
                        if (controller.eniWithIp(ip).isEmpty()) {
                            controller.assignPrivateIps(controller.hostEni(vm.host(), nic.network()).id(), List.of(ip), false);
                        }
                    }
                } else if (vm.state() == VmState.STOPPED) {
                    controller.eniWithIp(nic.addresses().isEmpty() ? "" : nic.addresses().get(0))
                            .ifPresent(e -> controller.unassignPrivateIps(e.id(), nic.addresses()));
                }
            } catch (RuntimeException e) {
                LOG.warn("network of VM {} interface {} not provisioned: {}", vm.id(), nic.eniId(), e.getMessage());
            }
        }
    }

    @Override
    public void vmDeleted(VmInfo vm) {
        for (VmInterface nic : vm.spec().interfaces()) {
            try {
                if (controller.programmerFor(nic.network()).equals(DatacenterController.ENI_MOVE)) {
                    controller.detach(nic.eniId());
                    controller.deleteEni(nic.eniId());
                } else {
                    controller.eniWithIp(nic.addresses().isEmpty() ? "" : nic.addresses().get(0))
                            .ifPresent(e -> controller.unassignPrivateIps(e.id(), nic.addresses()));
                }
            } catch (RuntimeException e) {
                LOG.warn("network of deleted VM {} not cleaned up: {}", vm.id(), e.getMessage());
            }
        }
    }
}
