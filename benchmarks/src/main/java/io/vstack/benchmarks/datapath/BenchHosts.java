package io.vstack.benchmarks.datapath;

import io.vstack.api.hw.BlockDevice;
import io.vstack.api.hw.Cpu;
import io.vstack.api.hw.DeviceFaultException;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.hw.Nic;
import io.vstack.api.hw.OutOfFramesException;
import io.vstack.api.hw.PageFrame;
import io.vstack.api.hw.PciDevice;
import io.vstack.api.hw.PhysicalMemory;
import io.vstack.api.hw.SimulationKnobs;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Hosts for benchmarks outside OSGi: each has a block device {@code local0} in a directory (knobs
 * off) and physical memory of off-heap page frames with hw-sim's contract (most recently freed
 * frame reused first, zeroed, generation bumped; reference reads under the monitor).
 */
public final class BenchHosts implements HostRegistry {

    private final Map<String, Host> hosts = new TreeMap<>();

    /** Adds host {@code name} with {@code local0} in {@code local0} and {@code memory} bytes of frames. */
    public BenchHosts add(String name, Path local0, long memory) {
        hosts.put(name, new BenchHost(name, new BenchDevice(local0), new BenchMemory((int) (memory / 4096))));
        return this;
    }

    @Override
    public List<Host> hosts() {
        return List.copyOf(hosts.values());
    }

    @Override
    public Optional<Host> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    record BenchHost(String name, BlockDevice device, PhysicalMemory memory) implements Host {
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
            return List.of(device);
        }
    }

    record BenchDevice(Path path) implements BlockDevice, SimulationKnobs {
        @Override
        public String name() {
            return "local0";
        }

        @Override
        public long capacity() {
            return 1L << 40;
        }

        @Override
        public SimulationKnobs simulation() {
            return this;
        }

        @Override
        public Duration latency() {
            return Duration.ZERO;
        }

        @Override
        public void setLatency(Duration latency) {
            throw new UnsupportedOperationException("no simulation in benchmarks");
        }

        @Override
        public double failureRate() {
            return 0;
        }

        @Override
        public void setFailureRate(double rate) {
            throw new UnsupportedOperationException("no simulation in benchmarks");
        }

        @Override
        public boolean down() {
            return false;
        }

        @Override
        public void setDown(boolean down) {
            throw new UnsupportedOperationException("no simulation in benchmarks");
        }

        @Override
        public void beforeOperation(String operation) throws DeviceFaultException {
        }
    }

    static final class BenchMemory implements PhysicalMemory {
        private static final int FRAME = 4096;
        private final ByteBuffer bytes;
        private final long[] generations;
        private final boolean[] allocated;
        private final Deque<Integer> freed = new ArrayDeque<>();
        private int neverUsed;
        private int allocatedCount;

        BenchMemory(int frames) {
            bytes = ByteBuffer.allocateDirect(frames * FRAME);
            generations = new long[frames];
            allocated = new boolean[frames];
        }

        @Override
        public int frameSize() {
            return FRAME;
        }

        @Override
        public long totalFrames() {
            return generations.length;
        }

        @Override
        public synchronized long freeFrames() {
            return generations.length - allocatedCount;
        }

        @Override
        public long backedBytes() {
            return bytes.capacity();
        }

        @Override
        public synchronized PageFrame allocate() throws OutOfFramesException {
            int n;
            if (!freed.isEmpty()) {
                n = freed.pop();
                bytes.put(n * FRAME, new byte[FRAME]);
            } else if (neverUsed < generations.length) {
                n = neverUsed++;
            } else {
                throw new OutOfFramesException("benchmark memory is full");
            }
            generations[n]++;
            allocated[n] = true;
            allocatedCount++;
            return new Frame(n);
        }

        @Override
        public synchronized void free(PageFrame frame) {
            int n = (int) frame.number();
            allocated[n] = false;
            allocatedCount--;
            freed.push(n);
        }

        @Override
        public PageFrame frame(long number) {
            return new Frame((int) number);
        }

        @Override
        public synchronized boolean readIfUnchanged(long number, long generation, ByteBuffer dst, int dstIndex, int length) {
            int n = (int) number;
            if (allocated[n] || generations[n] != generation) {
                return false;
            }
            dst.put(dstIndex, bytes, n * FRAME, length);
            return true;
        }

        private final class Frame implements PageFrame {
            private final int number;

            Frame(int number) {
                this.number = number;
            }

            @Override
            public long number() {
                return number;
            }

            @Override
            public long generation() {
                synchronized (BenchMemory.this) {
                    return generations[number];
                }
            }

            @Override
            public boolean allocated() {
                synchronized (BenchMemory.this) {
                    return allocated[number];
                }
            }

            @Override
            public ByteBuffer buffer() {
                return bytes.slice(number * FRAME, FRAME);
            }
        }
    }
}
