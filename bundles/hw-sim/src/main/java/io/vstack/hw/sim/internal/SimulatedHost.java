package io.vstack.hw.sim.internal;

import io.vstack.support.ConfigKeys;
import io.vstack.api.hw.BlockDevice;
import io.vstack.api.hw.Cpu;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.Nic;
import io.vstack.api.hw.PciAddress;
import io.vstack.api.hw.PciDevice;
import io.vstack.api.hw.PhysicalMemory;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricLabels;
import io.vstack.api.metrics.MetricSource;
import io.vstack.hw.sim.internal.SimulatedDevices.SimBlockDevice;
import io.vstack.hw.sim.internal.SimulatedDevices.SimCpu;
import io.vstack.hw.sim.internal.SimulatedDevices.SimNic;
import io.vstack.hw.sim.internal.SimulatedDevices.SimPciDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A simulated host built from a {@link HostConfig}. Its PCI bus carries a host bridge, a
 * paravirtual SCSI controller for the local block device and one Ethernet controller per NIC,
 * with VMware's vendor id as an ESXi host would show them.
 */
final class SimulatedHost implements Host, MetricSource {

    static final int VMWARE_VENDOR = 0x15ad;
    static final int VMXNET3_DEVICE = 0x07b0;
    static final int PVSCSI_DEVICE = 0x07c0;
    static final int INTEL_VENDOR = 0x8086;
    static final int HOST_BRIDGE_DEVICE = 0x1237;

    private final HostConfig config;
    private final List<Cpu> cpus;
    private final SimulatedMemory memory;
    private final List<Nic> nics;
    private final List<PciDevice> pciDevices;
    private final List<BlockDevice> blockDevices;

    /**
     * Builds the host and creates its local storage directory.
     *
     * @throws IllegalArgumentException if the machine cannot back the memory, or the local storage
     *                                  is not a directory vstack may write
     * @throws UncheckedIOException     if the local storage directory cannot be created
     */
    SimulatedHost(HostConfig config) {
        SimulatedMemory.requireBackable(config.memory());
        try {
            ConfigKeys.requireWritableDirectory(config.localStorage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("localStorage: " + e.getMessage(), e);
        }
        this.config = config;
        this.cpus = IntStream.range(0, config.cpus()).<Cpu>mapToObj(SimCpu::create).toList();
        try {
            Files.createDirectories(config.localStorage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create local storage directory " + config.localStorage() + ": " + e, e);
        }
        List<Nic> nicList = new ArrayList<>();
        for (int i = 0; i < config.nics(); i++) {
            String name = "vmnic" + i;
            nicList.add(new SimNic(name, mac(config.name(), i), config.nicSpeedBits(),
                    new SimulatedKnobs(config.name() + "/" + name, config.seed() + 1 + i, Duration.ZERO, 0)));
        }
        this.nics = List.copyOf(nicList);
        this.blockDevices = List.of(new SimBlockDevice("local0", config.localStorage(), config.localCapacity(),
                new SimulatedKnobs(config.name() + "/local0", config.seed(), config.storageLatency(),
                        config.storageFailureRate())));
        List<PciDevice> pci = new ArrayList<>();
        pci.add(new SimPciDevice(new PciAddress(0, 0, 0, 0), "Host bridge",
                SimulatedConfigSpace.type0(INTEL_VENDOR, HOST_BRIDGE_DEVICE, 0x060000, 2)));
        pci.add(new SimPciDevice(new PciAddress(0, 0, 0x10, 0), "SCSI controller (local0)",
                SimulatedConfigSpace.type0(VMWARE_VENDOR, PVSCSI_DEVICE, 0x010700, 2, 0x8000)));
        for (int i = 0; i < nics.size(); i++) {
            pci.add(new SimPciDevice(new PciAddress(0, 0, 3 + i, 0), "Ethernet controller (" + nics.get(i).name() + ")",
                    SimulatedConfigSpace.type0(VMWARE_VENDOR, VMXNET3_DEVICE, 0x020000, 1, 0x1000, 0x1000, 0x2000)));
        }
        pci.sort(Comparator.comparing(PciDevice::address));
        this.pciDevices = List.copyOf(pci);
        this.memory = new SimulatedMemory(config.name(), config.memory());
    }

    /** A locally administered-looking MAC in VMware's OUI, stable for (host, index). */
    static String mac(String host, int index) {
        int h = host.hashCode();
        return String.format("00:50:56:%02x:%02x:%02x", (h >>> 8) & 0x3f, h & 0xff, index & 0xff);
    }

    HostConfig config() {
        return config;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public List<Cpu> cpus() {
        return cpus;
    }

    @Override
    public PhysicalMemory memory() {
        return memory;
    }

    @Override
    public List<Nic> nics() {
        return nics;
    }

    @Override
    public List<PciDevice> pciDevices() {
        return pciDevices;
    }

    @Override
    public List<BlockDevice> blockDevices() {
        return blockDevices;
    }

    @Override
    public String source() {
        return "host/" + name();
    }

    @Override
    public Map<String, String> labels() {
        return Map.of(MetricLabels.HOST, name());
    }

    @Override
    public List<Metric> snapshot() {
        long total = memory.totalFrames();
        long free = memory.freeFrames();
        return List.of(
                Metric.gauge("cpus", "count", cpus.size(), Map.of()),
                Metric.gauge("memory.frames.total", "frames", total, Map.of()),
                Metric.gauge("memory.frames.free", "frames", free, Map.of()),
                Metric.gauge("memory.frames.used", "frames", total - free, Map.of()),
                Metric.gauge("memory.backed", "bytes", memory.backedBytes(), Map.of()),
                Metric.gauge("nics", "count", nics.size(), Map.of()));
    }

    /** Releases the host's memory. */
    void close() {
        memory.release();
    }

    @Override
    public String toString() {
        return "host " + name();
    }
}
