package io.vstack.vm.internal.command;

import io.vstack.api.vm.VmException;
import io.vstack.api.vm.VmInfo;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code vm:start}. */
@Service
@Command(scope = "vm", name = "start", description = "Starts a stopped VM: takes its memory from its host and runs its vCPUs")
public class VmStartCommand extends VmStateCommand {

    @Override
    VmInfo change(String vmId) throws VmException {
        return vms.start(vmId);
    }
}
