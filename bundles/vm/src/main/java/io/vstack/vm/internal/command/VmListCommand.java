package io.vstack.vm.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.vm.VmService;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code vm:list}: one row per VM. */
@Service
@Command(scope = "vm", name = "list", description = "Lists the VMs")
public class VmListCommand implements Action {

    @Reference
    VmService vms;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable().emptyTableText("No VMs: vm:create makes one");
        table.column("Name");
        table.column("Host");
        table.column("State");
        table.column("Memory").alignRight();
        table.column("vCPUs").alignRight();
        table.column("Workload");
        table.column("Writes").alignRight();
        vms.vms().forEach(vm -> table.addRow().addContent(vm.id(), vm.host(), VmFormat.state(vm),
                ByteSize.ofBytes(vm.spec().memory()).toHumanString(), vm.spec().vcpus(),
                VmFormat.workload(vm.spec().workload()), vm.guestWrites()));
        table.print(System.out, !noFormat);
        return null;
    }
}
