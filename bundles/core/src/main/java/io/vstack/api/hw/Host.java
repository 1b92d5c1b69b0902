package io.vstack.api.hw;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A physical host of the datacenter: CPUs, physical memory, NICs, a PCI bus and block devices.
 * Every disk, VM, NIC and filter chain belongs to exactly one host.
 * <p>Thread-safe. The lists it returns are immutable snapshots of hardware fixed when the host
 * was created; none of its methods blocks.
 */
@ProviderType
public interface Host {

    /** Service property holding the host's name on every {@code Host} service. */
    String NAME_PROPERTY = "vstack.host.name";

    /** The host's unique name, such as {@code esx1}. */
    String name();

    /** The CPUs, in index order. */
    List<Cpu> cpus();

    /** The host's physical memory. */
    PhysicalMemory memory();

    /** The network interfaces, in configuration order. */
    List<Nic> nics();

    /** The devices on the host's PCI bus, in address order. */
    List<PciDevice> pciDevices();

    /** The host's local block devices (its local datastores). */
    List<BlockDevice> blockDevices();

    /** Returns the NIC named {@code name}, if the host has one. */
    default Optional<Nic> nic(String name) {
        return nics().stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** Returns the block device named {@code name}, if the host has one. */
    default Optional<BlockDevice> blockDevice(String name) {
        return blockDevices().stream().filter(d -> d.name().equals(name)).findFirst();
    }
}
