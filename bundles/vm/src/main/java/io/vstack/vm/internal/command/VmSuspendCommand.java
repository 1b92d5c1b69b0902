package io.vstack.vm.internal.command;

import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code vm:suspend}. */
@Service
@Command(scope = "vm", name = "suspend", description = "Suspends a running VM: parks every vCPU")
public class VmSuspendCommand implements Action {

    @Reference
    VmService vms;

    @Argument(index = 0, name = "vm", required = true, description = "The VM")
    @Completion(VmCompleter.class)
    String vm;

    @Override
    public Object execute() throws Exception {
        VmInfo info = vms.suspend(vm);
        System.out.println("VM " + info.id() + " is " + VmFormat.state(info) + " on " + info.host()
                + (info.lastStunNanos() >= 0 ? " (vCPUs parked in " + VmFormat.nanos(info.lastStunNanos()) + ")" : ""));
        return null;
    }
}
