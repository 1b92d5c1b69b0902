package io.vstack.hw.sim.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.hw.BlockDevice;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.hw.PhysicalMemory;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code host:list}: the simulated hosts, one row each. */
@Service
@Command(scope = "host", name = "list", description = "Lists the simulated hosts of the datacenter")
public class HostListCommand implements Action {

    @Reference
    HostRegistry hosts;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable().emptyTableText("No hosts: add etc/io.vstack.hw.host-<name>.cfg");
        table.column("Name");
        table.column("CPUs").alignRight();
        table.column("Memory").alignRight();
        table.column("Free").alignRight();
        table.column("NICs").alignRight();
        table.column("PCI").alignRight();
        table.column("Local storage");
        hosts.hosts().forEach(host -> {
            PhysicalMemory memory = host.memory();
            long frameSize = memory.frameSize();
            table.addRow().addContent(host.name(), host.cpus().size(),
                    ByteSize.ofBytes(memory.totalFrames() * frameSize).toHumanString(),
                    ByteSize.ofBytes(memory.freeFrames() * frameSize).toHumanString(),
                    host.nics().size(), host.pciDevices().size(),
                    host.blockDevices().stream().map(BlockDevice::path).map(Object::toString).findFirst().orElse("-"));
        });
        table.print(System.out, !noFormat);
        return null;
    }
}
