package io.vstack.workload.internal;

import io.vstack.api.ByteSize;
import io.vstack.support.MemoryBudget;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskInfo;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.io.IoException;
import io.vstack.api.trace.TraceFormatException;
import io.vstack.api.trace.TraceReader;
import io.vstack.api.trace.TraceSource;
import io.vstack.api.workload.WorkloadPattern;
import io.vstack.api.workload.WorkloadProgress;
import io.vstack.api.workload.WorkloadResult;
import io.vstack.api.workload.WorkloadRunner;
import io.vstack.api.workload.WorkloadSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link WorkloadRunner} service. Needs the {@link TraceReader} service for trace replay and
 * otherwise nothing but the disk it is given; each run owns its
 * worker threads ({@code vstack-workload-<disk>-<n>}) and ends them before it returns;
 * deactivation stops the runs still going.
 */
@Component(service = WorkloadRunner.class)
public final class WorkloadRunnerImpl implements WorkloadRunner {

    /** The most blocks a verifying run covers (its generation table takes 4 bytes per block). */
    static final long MAX_VERIFY_BLOCKS = 1L << 26;

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadRunnerImpl.class);
    /** The origin of a run's I/O, as filters see it. */
    private static final String ORIGIN = "workload";
    private final TraceReader traces;
    private final Supplier<MemoryBudget> memory;
    private final Set<Run> active = ConcurrentHashMap.newKeySet();

    /** A runner that opens traces with {@code traces} and checks each run against the JVM's memory. */
    @Activate
    public WorkloadRunnerImpl(@Reference TraceReader traces) {
        this(traces, MemoryBudget::current);
    }

    /** A runner that checks each run against the budget {@code memory} gives (tests give fixed figures). */
    WorkloadRunnerImpl(TraceReader traces, Supplier<MemoryBudget> memory) {
        this.traces = Objects.requireNonNull(traces, "traces");
        this.memory = Objects.requireNonNull(memory, "memory");
    }

    @Override
    public WorkloadResult run(VirtualDisk disk, WorkloadSpec spec, Consumer<WorkloadProgress> progress) throws IoException {
        return run(disk, null, spec, progress);
    }

    @Override
    public WorkloadResult run(VirtualDisk disk, String targetFilter, WorkloadSpec spec, Consumer<WorkloadProgress> progress)
            throws IoException {
        DiskInfo info = disk.info();
        long regionBlocks = regionBlocks(info, spec);
        requireMemory(memory.get(), spec, regionBlocks);
        TraceSource trace = null;
        if (spec.pattern() == WorkloadPattern.TRACE) {
            try {
                trace = traces.open(spec.trace().orElseThrow(), spec.traceFormat());
            } catch (TraceFormatException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException("trace " + spec.trace().orElseThrow() + " cannot be read: " + e.getMessage(), e);
            }
        }
        try (TraceSource closing = trace; DiskHandle handle = targetFilter == null ? disk.open(ORIGIN) : disk.openAt(ORIGIN, targetFilter)) {
            Run run = new Run(disk.id(), handle, spec, regionBlocks, closing);
            active.add(run);
            LOG.debug("workload on disk {}{}: {}", disk.id(), targetFilter == null ? "" : " at filter " + targetFilter, spec);
            try {
                return run.execute(progress, "vstack-workload-" + disk.id() + "-");
            } finally {
                active.remove(run);
            }
        } catch (IOException e) {
            if (e instanceof IoException io) {
                throw io;
            }
            LOG.debug("closing trace {} failed", spec.trace(), e);
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The blocks of {@code spec.blockSize()} the run covers.
     *
     * @throws IllegalArgumentException if the spec does not fit the disk
     */
    static long regionBlocks(DiskInfo disk, WorkloadSpec spec) {
        int bs = spec.blockSize();
        if (bs % disk.blockSize() != 0) {
            throw new IllegalArgumentException("--bs " + bs + " is not a multiple of disk " + disk.id() + "'s block size "
                    + disk.blockSize());
        }
        long region = spec.regionSize() == 0 ? disk.capacity() - disk.capacity() % bs : spec.regionSize();
        if (region > disk.capacity()) {
            throw new IllegalArgumentException("--size " + region + " is larger than disk " + disk.id() + " ("
                    + disk.capacity() + " bytes)");
        }
        if (region < bs) {
            throw new IllegalArgumentException("disk " + disk.id() + " (" + disk.capacity() + " bytes) is smaller than one "
                    + bs + "-byte block");
        }
        long blocks = region / bs;
        if (spec.verify() && spec.pattern() != WorkloadPattern.VERIFY_ONLY && blocks > MAX_VERIFY_BLOCKS) {
            throw new IllegalArgumentException("--verify covers at most " + MAX_VERIFY_BLOCKS + " blocks; the region has "
                    + blocks + ": give a smaller --size or a larger --bs");
        }
        return blocks;
    }

    /**
     * Refuses a run whose buffers (direct: one per thread) or tables (heap: the latency histograms
     * of each thread, the generation table of a verifying run) the distribution cannot spare.
     *
     * @throws IllegalArgumentException naming the options and the memory they need
     */
    static void requireMemory(MemoryBudget budget, WorkloadSpec spec, long regionBlocks) {
        int threads = spec.threads();
        String bs = ByteSize.ofBytes(spec.blockSize()).toString();
        budget.requireDirect("workload:run --threads " + threads + " x --bs " + bs,
                MemoryBudget.times(threads, Run.bufferBytes(spec.blockSize())));
        long heap = (threads + 1L) * Run.HISTOGRAM_BYTES;
        String request = "workload:run --threads " + threads;
        if (spec.verify() && spec.pattern() != WorkloadPattern.VERIFY_ONLY) {
            heap += regionBlocks * Integer.BYTES;
            request += " --verify over " + regionBlocks + " blocks of " + bs;
        }
        budget.requireHeap(request, heap);
    }

    @Deactivate
    void deactivate() {
        active.forEach(Run::stop);
    }
}
