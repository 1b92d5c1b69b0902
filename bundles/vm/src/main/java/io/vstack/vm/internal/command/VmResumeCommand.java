package io.vstack.vm.internal.command;

import io.vstack.api.vm.VmException;
import io.vstack.api.vm.VmInfo;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code vm:resume}. */
@Service
@Command(scope = "vm", name = "resume", description = "Resumes a suspended VM")
public class VmResumeCommand extends VmStateCommand {

    @Override
    VmInfo change(String vmId) throws VmException {
        return vms.resume(vmId);
    }
}
