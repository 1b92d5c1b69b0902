package io.vstack.storage.vsan.internal;

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

/** Hosts with a local0 device each, a down switch per device, and hosts that can be removed. */
final class FakeHosts implements HostRegistry {

    final Map<String, Host> hosts = new ConcurrentSkipListMap<>();

    FakeHosts(Path root, long capacity, String... names) throws IOException {
        for (String name : names) {
            Path dir = Files.createDirectories(root.resolve(name).resolve("local0"));
            Knobs knobs = new Knobs(name);
            BlockDevice device = new BlockDevice() {
                @Override public String name() { return "local0"; }
                @Override public Path path() { return dir; }
                @Override public long capacity() { return capacity; }
                @Override public SimulationKnobs simulation() { return knobs; }
            };
            hosts.put(name, new Host() {
                @Override public String name() { return name; }
                @Override public List<Cpu> cpus() { return List.of(); }
                @Override public PhysicalMemory memory() { return null; }
                @Override public List<Nic> nics() { return List.of(); }
                @Override public List<PciDevice> pciDevices() { return List.of(); }
                @Override public List<BlockDevice> blockDevices() { return List.of(device); }
            });
        }
    }

    SimulationKnobs knobs(String host) {
        return hosts.get(host).blockDevice("local0").orElseThrow().simulation();
    }

    @Override
    public List<Host> hosts() {
        return List.copyOf(hosts.values());
    }

    @Override
    public Optional<Host> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    static final class Knobs implements SimulationKnobs {
        private final String host;
        private volatile boolean down;

        Knobs(String host) {
            this.host = host;
        }

        @Override public Duration latency() { return Duration.ZERO; }
        @Override public void setLatency(Duration latency) { }
        @Override public double failureRate() { return 0; }
        @Override public void setFailureRate(double rate) { }
        @Override public boolean down() { return down; }
        @Override public void setDown(boolean down) { this.down = down; }

        @Override
        public void beforeOperation(String operation) throws DeviceFaultException {
            if (down) {
                throw new DeviceFaultException(host + "/local0: " + operation + " failed: device is down (simulated)");
            }
        }
    }
}
