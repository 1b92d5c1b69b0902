package io.vstack.vm.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.net.VmInterface;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmService;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.WorkloadSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code vm:create}: defines a VM on a host, optionally starting it. */
@Service
@Command(scope = "vm", name = "create", description = "Creates a VM on a host (stopped unless --start)")
public class VmCreateCommand implements Action {

    @Reference
    VmService vms;

    @Option(name = "--memory", description = "Guest memory, e.g. 64M, 1G (default 256M)")
    String memory = "256M";

    @Option(name = "--vcpus", description = "Number of vCPUs (default 2)")
    int vcpus = 2;

    @Option(name = "--disk", description = "Id of a virtual disk of the VM (repeat for more)", multiValued = true)

    @Completion(VmDiskCompleter.class)
    List<String> disks = new ArrayList<>();

    @Option(name = "--nic", description = "A network interface as <network>:<ip> (repeat for more)", multiValued = true)
    List<String> nics = new ArrayList<>();

    @Option(name = "--start", description = "Start the VM once created")
    boolean start;

    @Argument(index = 0, name = "name", required = true, description = "The VM's name")
    String name;

    @Argument(index = 1, name = "host", required = true, description = "The host it runs on")
    @Completion(VmHostCompleter.class)
    String host;

    @Override
    public Object execute() throws Exception {
        List<VmInterface> interfaces = new ArrayList<>();
        for (int i = 0; i < nics.size(); i++) {
            String nic = nics.get(i);
            int colon = nic.indexOf(':');
            if (colon <= 0 || colon == nic.length() - 1) {
                throw new IllegalArgumentException("--nic '" + nic + "' must be <network>:<ip>, e.g. net0:10.0.0.5");
            }
            interfaces.add(new VmInterface("eni-" + name + "-" + i, mac(name, i), nic.substring(0, colon),
                    List.of(nic.substring(colon + 1))));
        }
        VmSpec spec = new VmSpec(name, host, ByteSize.parse(memory).bytes(), vcpus, disks, interfaces, WorkloadSpec.idle());
        VmInfo vm = vms.create(spec);
        if (start) {
            vm = vms.start(name);
        }
        System.out.println("VM " + vm.id() + " created on " + vm.host() + " (" + VmFormat.state(vm) + ")");
        return null;
    }

    static String mac(String name, int index) {
        int h = (name + "#" + index).hashCode();
        return String.format(Locale.ROOT, "02:50:56:%02x:%02x:%02x", (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff);
    }
}
