package io.vstack.vm.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.Durations;
import io.vstack.api.UserText;
import io.vstack.api.net.VmInterface;
import io.vstack.api.vm.VmException;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmService;
import io.vstack.api.vm.WorkloadSpec;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code vm:info}: one VM in detail. */
@Service
@Command(scope = "vm", name = "info", description = "Shows one VM: memory, vCPUs, disks, interfaces, workload, figures")
public class VmInfoCommand implements Action {

    @Reference
    VmService vms;

    @Argument(index = 0, name = "vm", required = true, description = "The VM")
    @Completion(VmCompleter.class)
    String vm;

    @Override
    public Object execute() throws Exception {
        VmInfo info = vms.vm(vm).orElseThrow(() -> new VmException("No VM named " + UserText.quote(vm) + "; vm:list shows the VMs"));
        WorkloadSpec w = info.spec().workload();
        System.out.println("VM          " + info.id());
        System.out.println("Host        " + info.host());
        System.out.println("State       " + VmFormat.state(info));
        System.out.println("Memory      " + ByteSize.ofBytes(info.spec().memory()).toHumanString() + " (" + info.spec().pages() + " pages)");
        System.out.println("vCPUs       " + info.spec().vcpus());
        System.out.println("Disks       " + (info.spec().disks().isEmpty() ? "-" : String.join(", ", info.spec().disks())));
        for (VmInterface nic : info.spec().interfaces()) {
            System.out.println("Interface   " + nic.eniId() + " " + nic.mac() + " network " + nic.network() + " " + String.join(",", nic.addresses()));
        }
        System.out.println("Workload    " + VmFormat.workload(w) + ", zero fraction " + w.zeroFraction()
                + ", heartbeat " + Durations.format(w.heartbeat()));
        System.out.println("Writes      " + info.guestWrites());
        System.out.println("Throttle    " + info.throttlePercent() + "%");
        System.out.println("Last stun   " + VmFormat.nanos(info.lastStunNanos()));
        System.out.println("Tick gap    " + VmFormat.nanos(info.lastTickGapNanos()) + " (largest heartbeat gap on this host)");
        return null;
    }
}
