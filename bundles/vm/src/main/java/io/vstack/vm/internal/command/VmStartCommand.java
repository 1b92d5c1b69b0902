package io.vstack.vm.internal.command;

import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code vm:start}. */
@Service
@Command(scope = "vm", name = "start", description = "Starts a stopped VM: takes its memory from its host and runs its vCPUs")
public class VmStartCommand implements Action {

    @Reference
    VmService vms;

    @Argument(index = 0, name = "vm", required = true, description = "The VM")
    @Completion(VmCompleter.class)
    String vm;

    @Override
    public Object execute() throws Exception {
        VmInfo info = vms.start(vm);
        System.out.println("VM " + info.id() + " is " + VmFormat.state(info) + " on " + info.host());
        return null;
    }
}
