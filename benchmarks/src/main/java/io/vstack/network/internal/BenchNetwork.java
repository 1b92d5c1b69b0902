package io.vstack.network.internal;

import io.vstack.api.net.VmInterface;

/** For the migration benchmark: what the vm bundle's listener would do when a VM starts (its ENI attached where it runs). */
public final class BenchNetwork {

    private BenchNetwork() {
    }

    /** Creates the interface's ENI with its addresses and attaches it to {@code host} for {@code vm}. */
    public static void attach(DatacenterController controller, VmInterface nic, String host, String vm) {
        controller.createEni(nic.eniId(), nic.network());
        controller.assignPrivateIps(nic.eniId(), nic.addresses(), false);
        controller.attach(nic.eniId(), host, vm);
    }
}
