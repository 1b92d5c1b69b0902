package io.vstack.vm.internal.command;

import io.vstack.api.vm.VmException;
import io.vstack.api.vm.VmInfo;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code vm:stop}. */
@Service
@Command(scope = "vm", name = "stop", description = "Stops a VM: ends its vCPUs and gives its memory back")
public class VmStopCommand extends VmStateCommand {

    @Override
    VmInfo change(String vmId) throws VmException {
        return vms.stop(vmId);
    }
}
