package io.vstack.vm.internal.command;

import io.vstack.api.vm.VmException;
import io.vstack.api.vm.VmInfo;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code vm:suspend}. */
@Service
@Command(scope = "vm", name = "suspend", description = "Suspends a running VM: parks every vCPU")
public class VmSuspendCommand extends VmStateCommand {

    @Override
    VmInfo change(String vmId) throws VmException {
        return vms.suspend(vmId);
    }

    @Override
    String detail(VmInfo info) {
        return info.lastStunNanos() >= 0 ? " (vCPUs parked in " + VmFormat.nanos(info.lastStunNanos()) + ")" : "";
    }
}
