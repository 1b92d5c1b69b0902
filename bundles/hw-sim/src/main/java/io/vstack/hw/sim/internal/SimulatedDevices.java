package io.vstack.hw.sim.internal;

import io.vstack.api.hw.BlockDevice;
import io.vstack.api.hw.ConfigSpace;
import io.vstack.api.hw.Cpu;
import io.vstack.api.hw.Nic;
import io.vstack.api.hw.PciAddress;
import io.vstack.api.hw.PciDevice;
import io.vstack.api.hw.SimulationKnobs;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** The simple simulated devices of a host: plain values plus their knobs. */
final class SimulatedDevices {

    /** Size of a CPU's per-CPU data area. */
    static final int DATA_AREA_SIZE = 4096;

    private SimulatedDevices() {
    }

    /** A CPU with its off-heap per-CPU data area. */
    record SimCpu(int index, ByteBuffer area) implements Cpu {
        static SimCpu create(int index) {
            return new SimCpu(index, ByteBuffer.allocateDirect(DATA_AREA_SIZE));
        }

        @Override
        public ByteBuffer dataArea() {
            return area.duplicate().clear();
        }
    }

    /** A NIC. */
    record SimNic(String name, String mac, long speedBitsPerSecond, SimulationKnobs simulation) implements Nic {
    }

    /** A PCI function. */
    record SimPciDevice(PciAddress address, String description, ConfigSpace configSpace) implements PciDevice {
    }

    /** The local block device. */
    record SimBlockDevice(String name, Path path, long capacity, SimulationKnobs simulation) implements BlockDevice {
    }
}
