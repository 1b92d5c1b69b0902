package io.vstack.vm.internal.command;

import io.vstack.api.vm.VmService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code vm:delete}. */
@Service
@Command(scope = "vm", name = "delete", description = "Deletes a VM (stopping it first)")
public class VmDeleteCommand implements Action {

    @Reference
    VmService vms;

    @Argument(index = 0, name = "vm", required = true, description = "The VM")
    @Completion(VmCompleter.class)
    String vm;

    @Override
    public Object execute() throws Exception {
        vms.delete(vm);
        System.out.println("VM " + vm + " deleted");
        return null;
    }
}
