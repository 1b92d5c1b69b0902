package io.vstack.vm.internal;

import io.vstack.api.hw.BlockDevice;
import io.vstack.api.hw.Cpu;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.hw.Nic;
import io.vstack.api.hw.OutOfFramesException;
import io.vstack.api.hw.PageFrame;
import io.vstack.api.hw.PciDevice;
import io.vstack.api.hw.PhysicalMemory;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Small fake hosts with real off-heap frames (2 MiB direct regions, allocated on first use), for tests. */
public final class TestHosts implements HostRegistry {

    private final Map<String, Host> hosts = new TreeMap<>();

    /** A registry of hosts, each with {@code memoryBytes} of memory. */
    public static TestHosts of(long memoryBytes, String... names) {
        TestHosts registry = new TestHosts();
        for (String name : names) {
            registry.add(name, memoryBytes);
        }
        return registry;
    }

    /** Adds a host. */
    public synchronized Host add(String name, long memoryBytes) {
        Host host = new FakeHost(name, new FakeMemory(name, memoryBytes / 4096));
        hosts.put(name, host);
        return host;
    }

    @Override
    public synchronized List<Host> hosts() {
        return List.copyOf(hosts.values());
    }

    @Override
    public synchronized Optional<Host> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    private record FakeHost(String name, PhysicalMemory memory) implements Host {
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

    /** Frames in 2 MiB direct regions; freed frames are reused (zeroed, generation bumped). */
    static final class FakeMemory implements PhysicalMemory {
        private static final int PER_REGION = 512;
        private final String host;
        private final long total;
        private final ByteBuffer[] regions;
        private final long[] generations;
        private final boolean[] allocated;
        private final ArrayDeque<Long> freed = new ArrayDeque<>();
        private long next;
        private long used;

        FakeMemory(String host, long frames) {
            this.host = host;
            this.total = frames;
            this.regions = new ByteBuffer[(int) ((frames + PER_REGION - 1) / PER_REGION)];
            this.generations = new long[(int) frames];
            this.allocated = new boolean[(int) frames];
        }

        @Override
        public int frameSize() {
            return 4096;
        }

        @Override
        public long totalFrames() {
            return total;
        }

        @Override
        public synchronized long freeFrames() {
            return total - used;
        }

        @Override
        public synchronized long backedBytes() {
            long n = 0;
            for (ByteBuffer r : regions) {
                n += r == null ? 0 : r.capacity();
            }
            return n;
        }

        @Override
        public synchronized PageFrame allocate() throws OutOfFramesException {
            long number;
            if (!freed.isEmpty()) {
                number = freed.pop();
                ByteBuffer b = slice(number);
                for (int i = 0; i < 4096; i += 8) {
                    b.putLong(i, 0);
                }
            } else if (next < total) {
                number = next++;
            } else {
                throw new OutOfFramesException("host " + host + " has no free page frame");
            }
            generations[(int) number]++;
            allocated[(int) number] = true;
            used++;
            return frame(number);
        }

        @Override
        public synchronized void free(PageFrame frame) {
            int n = (int) frame.number();
            if (!allocated[n]) {
                throw new IllegalArgumentException("frame " + n + " is not allocated");
            }
            allocated[n] = false;
            used--;
            freed.push((long) n);
        }

        @Override
        public PageFrame frame(long number) {
            FakeMemory memory = this;
            return new PageFrame() {
                @Override
                public long number() {
                    return number;
                }

                @Override
                public long generation() {
                    synchronized (memory) {
                        return generations[(int) number];
                    }
                }

                @Override
                public boolean allocated() {
                    synchronized (memory) {
                        return allocated[(int) number];
                    }
                }

                @Override
                public ByteBuffer buffer() {
                    synchronized (memory) {
                        return slice(number);
                    }
                }
            };
        }

        private ByteBuffer slice(long number) {
            int r = (int) (number / PER_REGION);
            if (regions[r] == null) {
                regions[r] = ByteBuffer.allocateDirect(PER_REGION * 4096);
            }
            return regions[r].slice((int) (number % PER_REGION) * 4096, 4096);
        }
    }
}
