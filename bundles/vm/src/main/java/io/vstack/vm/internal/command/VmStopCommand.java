package io.vstack.vm.internal.command;

import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code vm:stop}. */
@Service
@Command(scope = "vm", name = "stop", description = "Stops a VM: ends its vCPUs and gives its memory back")
public class VmStopCommand implements Action {

    @Reference
    VmService vms;

    @Argument(index = 0, name = "vm", required = true, description = "The VM")
    @Completion(VmCompleter.class)
    String vm;

    @Override
    public Object execute() throws Exception {
        VmInfo info = vms.stop(vm);
        System.out.println("VM " + info.id() + " is " + VmFormat.state(info) + " on " + info.host());
        return null;
    }
}
