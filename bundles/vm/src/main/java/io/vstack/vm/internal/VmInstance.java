package io.vstack.vm.internal;

import io.vstack.api.hw.OutOfFramesException;
import io.vstack.api.hw.PhysicalMemory;
import io.vstack.api.memory.AddressSpaceException;
import io.vstack.api.memory.AddressSpaces;
import io.vstack.api.vm.VmException;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.WorkloadSpec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One VM living on one host: its guest memory, its vCPU threads running the guest workload, its
 * stun controller. A VM that migrates has one instance per host it ran on (the source's ends
 * when the destination's runs).
 * <p>The vCPUs are the guest: each runs quanta of at most 64 writes, paced by a token bucket,
 * and passes {@link StunController#checkpoint} between quanta. vCPU 0 also writes the
 * heartbeat page every {@link WorkloadSpec#heartbeat()}: (nanoTime, counter), and measures the
 * gap to the previous heartbeat — across a migration, that gap is the downtime the guest saw.
 */
final class VmInstance {

    private static final int STATE_MAGIC = 0x56435055; // "VCPU"
    private static final int STATE_VERSION = 1;
    private static final long IDLE_PARK_NANOS = 10_000_000L;
    private static final long MIN_PARK_NANOS = 20_000L;
    private static final int MAX_WRITES_PER_QUANTUM = 64;

    private final String host;
    private final GuestRam ram;
    private final StunController stun = new StunController();
    private final CpuState[] cpus;
    private final LongAdder writes = new LongAdder();
    private final CountDownLatch firstTick = new CountDownLatch(1);
    private volatile VmSpec spec;
    private volatile WorkloadPlan plan;
    private volatile long maxTickGap = -1;
    private volatile long lastStunNanos = -1;
    private volatile long heartbeatCounter;
    private Thread[] threads;

    /** Per-vCPU registers of the guest model. */
    private static final class CpuState {
        long counter;
        long cursor;
        long rng;
    }

    private VmInstance(VmSpec spec, GuestRam ram) {
        this.spec = spec;
        this.host = spec.host();
        this.ram = ram;
        this.cpus = new CpuState[spec.vcpus()];
        for (int i = 0; i < cpus.length; i++) {
            cpus[i] = new CpuState();
            cpus[i].rng = mix(spec.name().hashCode() * 31L + i) | 1;
        }
        this.plan = new WorkloadPlan(spec.workload(), ram.pages(), spec.vcpus());
    }

    /**
     * Takes guest memory on {@code memory}'s host; with {@code boot}, fills the touched part
     * (except the heartbeat page) with the guest's seeded boot image.
     *
     * @throws VmException if the host lacks free frames
     */
    static VmInstance create(VmSpec spec, PhysicalMemory memory, boolean boot, GuestRam.Order order) throws VmException {
        return create(spec, memory, null, boot, order);
    }

    /**
     * As {@link #create(VmSpec, PhysicalMemory, boolean, GuestRam.Order)}; with {@code spaces} (may be
     * null) that {@linkplain AddressSpaces#backsGuestMemory back this VM's guest memory}, the memory is
     * a demand-paged address space instead of frames taken up front.
     */
    static VmInstance create(VmSpec spec, PhysicalMemory memory, AddressSpaces spaces, boolean boot, GuestRam.Order order)
            throws VmException {
        GuestRam ram;
        try {
            ram = spaces != null && spaces.backsGuestMemory(spec.name())
                    ? GuestRam.onAddressSpace(spaces, spec, order)
                    : GuestRam.allocate(memory, spec.pages(), order, pfn -> { });
        } catch (OutOfFramesException | AddressSpaceException e) {
            throw new VmException("host " + spec.host() + " has not enough free memory for VM " + spec.name()
                    + ": " + e.getMessage());
        }
        VmInstance vm = new VmInstance(spec, ram);
        if (boot) {
            vm.bootImage();
        }
        return vm;
    }

    private void bootImage() {
        long seed = mix(spec.name().hashCode());
        long touched = plan.touchedPages;
        for (long pfn = 1; pfn < touched; pfn++) {
            ByteBuffer page = ram.page(pfn);
            long base = seed + pfn * 512;
            for (int i = 0; i < 512; i++) {
                page.putLong(i * 8, mix(base + i));
            }
        }
    }

    String host() {
        return host;
    }

    VmSpec spec() {
        return spec;
    }

    GuestRam ram() {
        return ram;
    }

    StunController stunController() {
        return stun;
    }

    long writes() {
        return writes.sum();
    }

    long maxTickGap() {
        return maxTickGap;
    }

    long lastStunNanos() {
        return lastStunNanos;
    }

    /** Switches the guest to another workload at the vCPUs' next quantum. */
    void setWorkload(WorkloadSpec workload) {
        spec = spec.withWorkload(workload);
        plan = new WorkloadPlan(workload, ram.pages(), spec.vcpus());
    }

    /** Starts the vCPU threads, parked at once if {@code running} is false. */
    synchronized void startCpus(boolean running) {
        if (threads != null) {
            throw new IllegalStateException("vCPUs of " + spec.name() + " already started");
        }
        threads = new Thread[cpus.length];
        for (int i = 0; i < threads.length; i++) {
            int index = i;
            threads[i] = new Thread(() -> runCpu(index), "vstack-vm-" + spec.name() + "-vcpu" + i + "@" + host);
            threads[i].setDaemon(true);
        }
        stun.register(threads);
        if (!running) {
            stun.request(); // nothing runs yet: every vCPU parks at its first checkpoint
        }
        for (Thread t : threads) {
            t.start();
        }
        if (!running) {
            stun();
        }
    }

    /** Parks every vCPU; records and returns how long it took. */
    Duration stun() {
        Duration took = stun.stun();
        lastStunNanos = took.toNanos();
        return took;
    }

    /** Unparks the vCPUs. */
    void release() {
        stun.release();
    }

    /** Ends the vCPUs and gives the memory back to the host. */
    void destroy() {
        ram.cancelFaults();
        stun.end(Duration.ofSeconds(5));
        ram.release();
    }

    /** Waits up to {@code timeout} for the first heartbeat here; returns the largest gap seen, or -1. */
    long awaitTickGap(Duration timeout) throws InterruptedException {
        if (plan.heartbeatNanos == 0) {
            return -1;
        }
        firstTick.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        return maxTickGap;
    }

    /** The vCPU state: magic, version, per vCPU (counter, cursor, rng), heartbeat counter. Call while stunned. */
    byte[] saveCpuState() {
        ByteBuffer out = ByteBuffer.allocate(16 + cpus.length * 24 + 8);
        out.putInt(STATE_MAGIC).putInt(STATE_VERSION).putInt(cpus.length).putInt(0);
        for (CpuState c : cpus) {
            out.putLong(c.counter).putLong(c.cursor).putLong(c.rng);
        }
        out.putLong(heartbeatCounter);
        return out.array();
    }

    /** Loads a state saved by {@link #saveCpuState}; before the vCPUs start. */
    void loadCpuState(byte[] state) throws VmException {
        ByteBuffer in = ByteBuffer.wrap(state);
        if (state.length != 16 + cpus.length * 24 + 8 || in.getInt() != STATE_MAGIC || in.getInt() != STATE_VERSION
                || in.getInt() != cpus.length) {
            throw new VmException("vCPU state of VM " + spec.name() + " is malformed (" + state.length + " bytes for "
                    + cpus.length + " vCPUs)");
        }
        in.getInt();
        for (CpuState c : cpus) {
            c.counter = in.getLong();
            c.cursor = in.getLong();
            c.rng = in.getLong();
        }
        heartbeatCounter = in.getLong();
    }

    private void runCpu(int index) {
        CpuState cpu = cpus[index];
        WorkloadPlan current = null;
        long bucketStart = 0;
        double done = 0;
        long sliceStart = System.nanoTime();
        long nextTick = 0;
        try {
            while (stun.checkpoint()) {
                WorkloadPlan p = plan;
                long now = System.nanoTime();
                if (p != current) {
                    current = p;
                    bucketStart = now;
                    done = 0;
                }
                int throttle = stun.throttle();
                if (throttle > 0 && now - sliceStart >= StunController.THROTTLE_TIMESLICE_NANOS) {
                    LockSupport.parkNanos(StunController.throttleSleepNanos(throttle));
                    sliceStart = System.nanoTime();
                    continue;
                } else if (throttle == 0) {
                    sliceStart = now;
                }
                long park = IDLE_PARK_NANOS;
                if (index == 0 && p.heartbeatNanos > 0) {
                    if (now >= nextTick) {
                        heartbeat(now);
                        nextTick = now + p.heartbeatNanos;
                    }
                    park = Math.min(park, nextTick - now);
                }
                double rate = p.pagesPerSecondPerVcpu;
                if (rate > 0) {
                    double due = (now - bucketStart) * rate / 1e9;
                    double burst = Math.max(1, rate * 0.002);
                    if (due - done > burst) {
                        done = due - burst; // a stunned or throttled guest does not catch up afterwards
                    }
                    int n = (int) Math.min(due - done, MAX_WRITES_PER_QUANTUM);
                    if (n > 0) {
                        for (int k = 0; k < n; k++) {
                            write(index, cpu, p);
                        }
                        done += n;
                        writes.add(n);
                        continue;
                    }
                    park = Math.min(park, (long) ((1 - (due - done)) * 1e9 / rate));
                }
                LockSupport.parkNanos(Math.max(MIN_PARK_NANOS, park));
            }
        } finally {
            stun.exited();
        }
    }

    private void write(int index, CpuState cpu, WorkloadPlan p) {
        long r = next(cpu);
        double uniform = (r >>> 11) * 0x1.0p-53;
        long pfn = p.pickPage(uniform, cpu.cursor++);
        int writeSize = p.spec.writeSize();
        int slots = VmSpec.PAGE_SIZE / writeSize;
        int offset = (int) Math.floorMod(next(cpu), (long) slots) * writeSize;
        long value = ((long) (index + 1) << 56) | (++cpu.counter & 0x00FF_FFFF_FFFF_FFFFL);
        ram.write(pfn, offset, writeSize, value);
    }

    private void heartbeat(long now) {
        long previous = ram.read(WorkloadPlan.HEARTBEAT_PFN, 0);
        if (previous != 0) {
            long gap = now - previous;
            if (gap > maxTickGap) {
                maxTickGap = gap;
            }
        }
        ram.write(WorkloadPlan.HEARTBEAT_PFN, 0, 8, now);
        ram.write(WorkloadPlan.HEARTBEAT_PFN, 8, 8, ++heartbeatCounter);
        firstTick.countDown();
    }

    private static long next(CpuState cpu) {
        long x = cpu.rng;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        cpu.rng = x;
        return x * 0x2545F4914F6CDD1DL;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
