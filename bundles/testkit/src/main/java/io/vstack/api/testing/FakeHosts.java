package io.vstack.api.testing;

import io.vstack.api.hw.BlockDevice;
import io.vstack.api.hw.Cpu;
import io.vstack.api.hw.DeviceFaultException;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.hw.Nic;
import io.vstack.api.hw.PciDevice;
import io.vstack.api.hw.PhysicalMemory;
import io.vstack.api.hw.SimulationKnobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry of fake hosts: each may have one block device {@code local0} in a real directory,
 * with fault knobs that count operations and fail them on demand (device down, failure rate 1),
 * and physical memory of real off-heap frames ({@link FakeMemory}). The hosts have no CPUs (but
 * {@link #withCpus}) and no NICs. Thread-safe.
 */
public final class FakeHosts implements HostRegistry {

    private final Map<String, Host> hosts = new ConcurrentSkipListMap<>();

    /** Hosts {@code names}, each with a {@code local0} of {@code capacity} bytes in {@code root/<name>/local0}. */
    public static FakeHosts withLocalDevices(Path root, long capacity, String... names) throws IOException {
        FakeHosts registry = new FakeHosts();
        for (String name : names) {
            registry.add(name, Files.createDirectories(root.resolve(name).resolve("local0")), capacity);
        }
        return registry;
    }

    /** Hosts {@code names}, each with {@code memoryBytes} of memory and no block device. */
    public static FakeHosts withMemory(long memoryBytes, String... names) {
        FakeHosts registry = new FakeHosts();
        for (String name : names) {
            registry.hosts.put(name, host(name, FakeMemory.ofBytes(name, memoryBytes)));
        }
        return registry;
    }

    /**
     * Hosts {@code names}, each with {@code cpus} CPUs (as {@link #withCpus}) and {@code memoryBytes}
     * of memory, and no block device: what a scheduler by free CPU and memory needs.
     */
    public static FakeHosts withCpusAndMemory(int cpus, long memoryBytes, String... names) {
        FakeHosts registry = new FakeHosts();
        for (String name : names) {
            registry.hosts.put(name, new FakeHost(name, List.of(), FakeMemory.ofBytes(name, memoryBytes),
                    withCpus(name, cpus).cpus()));
        }
        return registry;
    }

    /** A host with only a name and {@code memory}, outside any registry. */
    public static Host host(String name, PhysicalMemory memory) {
        return new FakeHost(name, List.of(), memory, List.of());
    }

    /**
     * A host with only a name and {@code count} CPUs, outside any registry; each CPU has a 4 KiB
     * off-heap data area of its own, as hw-sim's CPUs have.
     */
    public static Host withCpus(String name, int count) {
        List<Cpu> cpus = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            cpus.add(new FakeCpu(i, java.nio.ByteBuffer.allocateDirect(4096)));
        }
        return new FakeHost(name, List.of(), null, List.copyOf(cpus));
    }

    private record FakeCpu(int index, java.nio.ByteBuffer area) implements Cpu {
        @Override
        public java.nio.ByteBuffer dataArea() {
            return area.duplicate().clear();
        }
    }

    /** Adds host {@code name} whose {@code local0} lives in {@code local0} and holds {@code capacity} bytes; no memory. */
    public FakeHosts add(String name, Path local0, long capacity) {
        return add(name, local0, capacity, 0);
    }

    /** Adds host {@code name} with a {@code local0} as above and {@code memoryBytes} of memory. */
    public FakeHosts add(String name, Path local0, long capacity, long memoryBytes) {
        BlockDevice device = new FakeDevice(local0, capacity, new FakeKnobs(name + "/local0"));
        hosts.put(name, new FakeHost(name, List.of(device), memoryBytes > 0 ? FakeMemory.ofBytes(name, memoryBytes) : null,
                List.of()));
        return this;
    }

    /** The knobs of host {@code host}'s {@code local0}. */
    public FakeKnobs knobs(String host) {
        return (FakeKnobs) hosts.get(host).blockDevices().get(0).simulation();
    }

    @Override
    public List<Host> hosts() {
        return List.copyOf(hosts.values());
    }

    @Override
    public Optional<Host> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    private record FakeHost(String name, List<BlockDevice> blockDevices, PhysicalMemory physicalMemory, List<Cpu> cpus)
            implements Host {

        @Override
        public PhysicalMemory memory() {
            if (physicalMemory == null) {
                throw new UnsupportedOperationException("host " + name + " has no memory in this fake");
            }
            return physicalMemory;
        }

        @Override
        public List<Nic> nics() {
            return List.of();
        }

        @Override
        public List<PciDevice> pciDevices() {
            return List.of();
        }

    }

    private record FakeDevice(Path path, long capacity, SimulationKnobs simulation) implements BlockDevice {
        @Override
        public String name() {
            return "local0";
        }
    }

    /** Knobs that count operations and fail them on demand; latency stays zero. */
    public static final class FakeKnobs implements SimulationKnobs {
        private final AtomicInteger operations = new AtomicInteger();
        private final String device;
        private volatile boolean down;
        private volatile double failureRate;

        FakeKnobs(String device) {
            this.device = device;
        }

        /** How many operations were checked so far. */
        public int operations() {
            return operations.get();
        }

        @Override
        public Duration latency() {
            return Duration.ZERO;
        }

        @Override
        public void setLatency(Duration latency) {
            throw new UnsupportedOperationException("latency is always zero in this fake");
        }

        @Override
        public double failureRate() {
            return failureRate;
        }

        /** Any rate of 1 or more fails every operation; a lower rate fails none (this fake is deterministic). */
        @Override
        public void setFailureRate(double rate) {
            failureRate = rate;
        }

        @Override
        public boolean down() {
            return down;
        }

        @Override
        public void setDown(boolean down) {
            this.down = down;
        }

        @Override
        public void beforeOperation(String operation) throws DeviceFaultException {
            operations.incrementAndGet();
            if (down) {
                throw new DeviceFaultException(device + ": " + operation + " failed: device is down (simulated)");
            }
            if (failureRate >= 1) {
                throw new DeviceFaultException(device + ": " + operation + " failed: injected fault (simulated)");
            }
        }
    }
}
