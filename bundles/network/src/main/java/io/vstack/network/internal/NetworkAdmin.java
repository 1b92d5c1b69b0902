package io.vstack.network.internal;

import io.vstack.api.hw.HostRegistry;
import io.vstack.api.net.Ipv4;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** What the net: commands read and do, over the controller (a service of this bundle only). */
@Component(service = NetworkAdmin.class)
public final class NetworkAdmin {

    private final DatacenterController controller;
    private final HostRegistry hosts;

    /** The commands' view of the controller and the hosts ({@code hosts} is null without the simulated hardware). */
    @Activate
    public NetworkAdmin(@Reference DatacenterController controller, @Reference(cardinality = ReferenceCardinality.OPTIONAL,
            policyOption = ReferencePolicyOption.GREEDY) HostRegistry hosts) {
        this.controller = controller;
        this.hosts = hosts;
    }

    /** Every ENI. */
    public List<Eni> enis() {
        return controller.enis();
    }

    /** Configured network → programmer. */
    public Map<String, String> networks() {
        return controller.networks();
    }

    /** The programmer of unlisted networks. */
    public String defaultProgrammer() {
        return controller.defaultProgrammer();
    }

    /**
     * Sends one frame through {@code host}'s virtual switch.
     *
     * @throws IllegalArgumentException if there is no such host or an address is not IPv4
     */
    public boolean send(String host, String srcIp, String dstIp) {
        if (hosts == null) {
            throw new IllegalArgumentException("no simulated hosts: install the vstack-hw-sim feature");
        }
        if (hosts.host(host).isEmpty()) {
            throw new IllegalArgumentException("no host named '" + (host.length() > 64 ? host.substring(0, 64) + "..." : host)
                    + "'; host:list shows the hosts");
        }
        return controller.vswitch(host).send(Ipv4.require("source address", srcIp), Ipv4.require("destination address", dstIp));
    }
}
