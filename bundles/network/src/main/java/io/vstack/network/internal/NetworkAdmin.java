package io.vstack.network.internal;

import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** What the net: commands read and do, over the controller (a service of this bundle only). */
@Component(service = NetworkAdmin.class)
public final class NetworkAdmin {

    private final DatacenterController controller;

    /** The commands' view of the controller. */
    @Activate
    public NetworkAdmin(@Reference DatacenterController controller) {
        this.controller = controller;
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

    /** Sends one frame through {@code host}'s virtual switch. */
    public boolean send(String host, String srcIp, String dstIp) {
        return controller.vswitch(host).send(srcIp, dstIp);
    }
}
