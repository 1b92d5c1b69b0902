package io.vstack.pods.internal;

import io.vstack.api.hw.BlockDevice;
import io.vstack.api.hw.Cpu;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.hw.Nic;
import io.vstack.api.hw.PciDevice;
import io.vstack.api.hw.PhysicalMemory;
import io.vstack.api.testing.FakeMemory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Hosts with CPUs and real off-heap memory, for the scheduler: what hw-sim hosts have, without hw-sim. */
public final class PodHosts implements HostRegistry {

    private final Map<String, Host> hosts = new TreeMap<>();

    /** {@code count} hosts {@code h000...}, each with {@code cpus} CPUs and {@code memory} bytes. */
    public static PodHosts of(int count, int cpus, long memory) {
        PodHosts registry = new PodHosts();
        for (int i = 0; i < count; i++) {
            String name = String.format("h%03d", i);
            List<Cpu> list = new ArrayList<>();
            for (int c = 0; c < cpus; c++) {
                int index = c;
                list.add(new Cpu() {
                    @Override
                    public int index() {
                        return index;
                    }

                    @Override
                    public ByteBuffer dataArea() {
                        return ByteBuffer.allocate(0);
                    }
                });
            }
            registry.hosts.put(name, new PodHost(name, List.copyOf(list), FakeMemory.ofBytes(name, memory)));
        }
        return registry;
    }

    @Override
    public List<Host> hosts() {
        return List.copyOf(hosts.values());
    }

    @Override
    public Optional<Host> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    private record PodHost(String name, List<Cpu> cpus, PhysicalMemory memory) implements Host {
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
}
