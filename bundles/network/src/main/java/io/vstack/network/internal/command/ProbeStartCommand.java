package io.vstack.network.internal.command;

import io.vstack.api.Durations;
import io.vstack.network.internal.TrafficProbes;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code net:probe}: starts a traffic probe from a VM's address to another address. */
@Service
@Command(scope = "net", name = "probe", description = "Starts sending sequence-numbered frames from a VM's address to another "
        + "address at a fixed period, through the switch of the host the VM runs on; migrations report the blackout it sees")
public class ProbeStartCommand implements Action {

    @Reference
    TrafficProbes probes;

    @Option(name = "--period", description = "Time between two frames, 100us to 1s (default 1ms)")
    String period = "1ms";

    @Argument(index = 0, name = "vm", required = true, description = "The sending VM")
    @Completion(ProbeVmCompleter.class)
    String vm;

    @Argument(index = 1, name = "src-ip", required = true, description = "One of the VM's addresses")

    @Completion(AddressCompleter.class)
    String src;

    @Argument(index = 2, name = "dst-ip", required = true, description = "The receiver's address")

    @Completion(AddressCompleter.class)
    String dst;

    @Override
    public Object execute() {
        TrafficProbes.ProbeStatus s = probes.start(vm, src, dst, Durations.parse(period));
        System.out.println("probe " + s.id() + " started: " + vm + " " + src + " -> " + dst + " every " + period);
        return null;
    }
}
