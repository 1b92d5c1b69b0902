package io.vstack.network.internal.command;

import io.vstack.api.UserText;
import io.vstack.network.internal.VnicService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code net:vnic-coalesce}: a vNIC's packet clustering, like {@code ethtool -C}. */
@Service
@Command(scope = "net", name = "vnic-coalesce", description = "Sets a VM's vNIC coalescing (packet clustering) like ethtool -C; --off notifies for every frame")
public class VnicCoalesceCommand implements Action {

    @Reference
    VnicService vnics;

    @Argument(index = 0, name = "vm", required = true, description = "The VM whose vNIC to set")
    @Completion(VnicVmCompleter.class)
    String vm;

    @Option(name = "--rx-usecs", description = "Longest wait before the RX interrupt, microseconds")
    Integer rxUsecs;

    @Option(name = "--rx-frames", description = "Frames on the RX ring that raise the interrupt")
    Integer rxFrames;

    @Option(name = "--tx-usecs", description = "Longest wait of a queued frame before the TX doorbell, microseconds")
    Integer txUsecs;

    @Option(name = "--tx-frames", description = "Queued frames that ring the TX doorbell")
    Integer txFrames;

    @Option(name = "--adaptive", description = "on: cluster only above 120 packets in 120 ms; off: always")
    @Completion(value = StringsCompleter.class, values = {"on", "off"})
    String adaptive;

    @Option(name = "--off", description = "No clustering: a doorbell for every sent frame, an interrupt for every received one")
    boolean off;

    @Override
    public Object execute() {
        Boolean adaptiveOn = null;
        if (adaptive != null) {
            if (!adaptive.equals("on") && !adaptive.equals("off")) {
                throw new IllegalArgumentException("--adaptive takes on or off, not " + UserText.quote(adaptive));
            }
            adaptiveOn = adaptive.equals("on");
        }
        String now = vnics.coalesce(vm, rxUsecs, rxFrames, txUsecs, txFrames, adaptiveOn, off);
        System.out.println(vm + ": " + now);
        return null;
    }
}
