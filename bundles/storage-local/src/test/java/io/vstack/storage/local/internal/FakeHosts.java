package io.vstack.storage.local.internal;

import io.vstack.api.hw.BlockDevice;
import io.vstack.api.hw.Cpu;
import io.vstack.api.hw.DeviceFaultException;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.hw.Nic;
import io.vstack.api.hw.PciDevice;
import io.vstack.api.hw.PhysicalMemory;
import io.vstack.api.hw.SimulationKnobs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A registry of fake hosts, each with one block device {@code local0} in a given directory. */
final class FakeHosts implements HostRegistry {

    private final Map<String, Host> hosts = new TreeMap<>();

    FakeHosts add(String name, Path local0) {
        hosts.put(name, new FakeHost(name, new FakeDevice(local0, new FakeKnobs(name + "/local0"))));
        return this;
    }

    FakeKnobs knobs(String host) {
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

    record FakeHost(String name, BlockDevice device) implements Host {
        @Override
        public List<Cpu> cpus() {
            return List.of();
        }

        @Override
        public PhysicalMemory memory() {
            throw new UnsupportedOperationException("no memory in this fake");
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
            return List.of(device);
        }
    }

    record FakeDevice(Path path, SimulationKnobs simulation) implements BlockDevice {
        @Override
        public String name() {
            return "local0";
        }

        @Override
        public long capacity() {
            return 100L << 30;
        }
    }

    /** Knobs that count operations and fail them on demand. */
    static final class FakeKnobs implements SimulationKnobs {
        final AtomicInteger operations = new AtomicInteger();
        private final String device;
        private volatile boolean down;
        private volatile double failureRate;

        FakeKnobs(String device) {
            this.device = device;
        }

        @Override
        public Duration latency() {
            return Duration.ZERO;
        }

        @Override
        public void setLatency(Duration latency) {
            throw new UnsupportedOperationException();
        }

        @Override
        public double failureRate() {
            return failureRate;
        }

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
