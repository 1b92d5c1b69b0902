package io.vstack.vm.internal.command;

import io.vstack.api.vm.VmException;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

/**
 * A command that moves one VM to another state ({@code vm:start}, {@code stop}, {@code suspend},
 * {@code resume}) and prints where it ended. Karaf injects the fields of superclasses too.
 */
abstract class VmStateCommand implements Action {

    @Reference
    VmService vms;

    @Argument(index = 0, name = "vm", required = true, description = "The VM")
    @Completion(VmCompleter.class)
    String vm;

    /** Makes the change; a refusal is a {@link VmException} with a one-line message. */
    abstract VmInfo change(String vmId) throws VmException;

    @Override
    public Object execute() throws Exception {
        VmInfo info = change(vm);
        System.out.println("VM " + info.id() + " is " + VmFormat.state(info) + " on " + info.host() + detail(info));
        return null;
    }

    /** What to add to the line, e.g. how long parking the vCPUs took; nothing by default. */
    String detail(VmInfo info) {
        return "";
    }
}
