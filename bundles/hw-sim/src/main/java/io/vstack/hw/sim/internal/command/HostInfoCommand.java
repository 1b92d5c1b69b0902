package io.vstack.hw.sim.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.hw.PhysicalMemory;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code host:info <host>}: a host's hardware, device by device. */
@Service
@Command(scope = "host", name = "info", description = "Shows a simulated host's CPUs, memory, NICs, PCI devices and block devices")
public class HostInfoCommand implements Action {

    @Reference
    HostRegistry hosts;

    @Argument(index = 0, name = "host", description = "The host", required = true)
    @Completion(HostCompleter.class)
    String hostName;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        Host host = Hosts.require(hosts, hostName);
        PrintStream out = System.out;
        PhysicalMemory memory = host.memory();
        long frameSize = memory.frameSize();

        ShellTable summary = new ShellTable();
        summary.column("Property");
        summary.column("Value");
        summary.addRow().addContent("Name", host.name());
        summary.addRow().addContent("CPUs", host.cpus().size());
        summary.addRow().addContent("Memory", ByteSize.ofBytes(memory.totalFrames() * frameSize).toHumanString()
                + " (" + memory.totalFrames() + " frames of " + frameSize + " bytes)");
        summary.addRow().addContent("Free frames", memory.freeFrames());
        summary.addRow().addContent("Backed memory", ByteSize.ofBytes(memory.backedBytes()).toHumanString());
        summary.print(out, !noFormat);

        ShellTable nics = new ShellTable().emptyTableText("No NICs");
        nics.column("NIC");
        nics.column("MAC");
        nics.column("Speed").alignRight();
        nics.column("Link");
        nics.column("Simulation");
        host.nics().forEach(nic -> nics.addRow().addContent(nic.name(), nic.mac(),
                nic.speedBitsPerSecond() / 1_000_000 + " Mb/s", nic.linkUp() ? "up" : "down",
                Knobs.describe(nic.simulation())));
        out.println();
        nics.print(out, !noFormat);

        ShellTable pci = new ShellTable();
        pci.column("PCI address");
        pci.column("Vendor:Device");
        pci.column("Class");
        pci.column("Description");
        host.pciDevices().forEach(device -> pci.addRow().addContent(device.address(),
                String.format("%04x:%04x", device.vendorId(), device.deviceId()),
                String.format("%06x", device.classCode()), device.description()));
        out.println();
        pci.print(out, !noFormat);

        ShellTable devices = new ShellTable();
        devices.column("Block device");
        devices.column("Capacity").alignRight();
        devices.column("Path");
        devices.column("Simulation");
        host.blockDevices().forEach(device -> devices.addRow().addContent(device.name(),
                ByteSize.ofBytes(device.capacity()).toHumanString(), device.path(), Knobs.describe(device.simulation())));
        out.println();
        devices.print(out, !noFormat);
        return null;
    }
}
