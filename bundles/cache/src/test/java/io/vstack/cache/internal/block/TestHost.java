package io.vstack.cache.internal.block;

import io.vstack.api.hw.BlockDevice;
import io.vstack.api.hw.Cpu;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.Nic;
import io.vstack.api.hw.PciDevice;
import io.vstack.api.hw.PhysicalMemory;
import java.util.List;

/** A host with only a name and memory. */
public record TestHost(String name, PhysicalMemory memory) implements Host {
    @Override
    public List<Cpu> cpus() {
        return List.of();
    }

    @Override
    public List<Nic> nics() {
        return List.of();
    }

    @Override
    public List<PciDevice> pciDevices() {
        return List.of();
    }

    @Override
    public List<BlockDevice> blockDevices() {
        return List.of();
    }
}
