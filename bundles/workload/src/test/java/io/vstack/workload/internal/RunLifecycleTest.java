package io.vstack.workload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.filter.IoFilter;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoRequest;
import io.vstack.api.testing.InMemoryDisk;
import io.vstack.api.testing.InMemoryTraceReader;
import io.vstack.api.workload.LatencySummary;
import io.vstack.api.workload.WorkloadPattern;
import io.vstack.api.workload.WorkloadResult;
import io.vstack.api.workload.WorkloadSpec;
import io.vstack.support.MemoryBudget;
import io.vstack.api.io.IoOp;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class RunLifecycleTest {

    private final WorkloadRunnerImpl runner = new WorkloadRunnerImpl(new InMemoryTraceReader());

    @Test
    void anInterruptStopsTheRunAndReturnsWhatRan() throws Exception {
        CountDownLatch running = new CountDownLatch(1000);
        InMemoryDisk disk = new InMemoryDisk("d1", 64L * 4096, 4096).withFilter("count", (request, next) -> {
            running.countDown();
            next.proceed(request);
        });
        AtomicReference<WorkloadResult> result = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                result.set(runner.run(disk, WorkloadSpec.builder(WorkloadPattern.RANDRW).threads(2)
                        .ops(Long.MAX_VALUE).build(), p -> { }));
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            } catch (IoException e) {
                throw new AssertionError(e);
            }
        });
        caller.start();
        running.await();
        caller.interrupt();
        caller.join();
        assertEquals(WorkloadResult.StopReason.INTERRUPTED, result.get().stopReason());
        assertTrue(result.get().ops() >= 1000);
        assertTrue(stillInterrupted.get());
        assertEquals(0, disk.info().openHandles());
    }

    /** Reads the issuing thread's allocation counter at its 10,000th and 30,000th request. */
    private static final class AllocationProbe implements IoFilter {
        private final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        private int count;
        private long atWarm;
        volatile long steadyStateBytes = -1;

        @Override
        public void submit(IoRequest request, IoChain next) throws IoException {
            count++;
            if (count == 10_000) {
                atWarm = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            } else if (count == 30_000) {
                steadyStateBytes = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - atWarm;
            }
            next.proceed(request);
        }
    }

    @Test
    void theIssuingLoopAllocatesNothingPerIo() throws Exception {
        for (WorkloadSpec.Builder spec : new WorkloadSpec.Builder[] {
            WorkloadSpec.builder(WorkloadPattern.RANDRW).zipfTheta(1.1).flushEvery(16),
            WorkloadSpec.builder(WorkloadPattern.RANDRW).verify(true),
            WorkloadSpec.builder(WorkloadPattern.READ)}) {
            AllocationProbe probe = new AllocationProbe();
            InMemoryDisk disk = new InMemoryDisk("d1", 1024L * 4096, 4096).withFilter("probe", probe);
            runner.run(disk, spec.ops(40_000).build(), p -> { });
            assertTrue(probe.steadyStateBytes >= 0);
            // Any allocation per I/O is at least 16 bytes each time: under one byte per I/O means none.
            assertTrue(probe.steadyStateBytes < 20_000, spec.build().pattern() + ": 20,000 I/Os allocated "
                    + probe.steadyStateBytes + " bytes");
        }
    }

    @Test
    void latencySummaryComesFromTheHistogram() {
        Histogram histogram = new Histogram(1, Run.HIGHEST_NANOS, 3);
        for (long v = 1; v <= 10_000; v++) {
            histogram.recordValue(v * 1000);            // 1 us .. 10 ms
        }
        LatencySummary summary = Run.summary(histogram);
        assertEquals(10_000, summary.count());
        assertEquals(5_000_000, summary.p50Nanos(), 5_000);
        assertEquals(9_900_000, summary.p99Nanos(), 9_900);
        assertEquals(9_990_000, summary.p999Nanos(), 9_990);
        assertEquals(5_000_500, summary.meanNanos(), 5_000);
        assertEquals(LatencySummary.EMPTY, Run.summary(new Histogram(1, Run.HIGHEST_NANOS, 3)));
    }

    @Test
    void aRunReturnsAfterItsDurationWhileAFilterHoldsARequestForever() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        InMemoryDisk disk = new InMemoryDisk("d1", 64L * 4096, 4096).withFilter("hold", holdingBlock3(release));
        try {
            WorkloadResult result = runner.run(disk, WorkloadSpec.builder(WorkloadPattern.READ)
                    .duration(Duration.ofMillis(200)).build(), p -> { });
            assertEquals(WorkloadResult.StopReason.COMPLETED, result.stopReason());
            assertEquals(1, result.inFlight());
        } finally {
            release.countDown();
        }
    }

    @Test
    void anInterruptEndsARunWhoseRequestAFilterHolds() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        InMemoryDisk disk = new InMemoryDisk("d1", 64L * 4096, 4096).withFilter("hold", (request, next) -> {
            if (request.offset() == 3L * 4096) {
                held.countDown();
            }
            holdingBlock3(release).submit(request, next);
        });
        AtomicReference<WorkloadResult> result = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                result.set(runner.run(disk, WorkloadSpec.builder(WorkloadPattern.READ).build(), p -> { }));
            } catch (IoException e) {
                throw new AssertionError(e);
            }
        });
        try {
            caller.start();
            held.await();
            caller.interrupt();
            caller.join();
            assertEquals(WorkloadResult.StopReason.INTERRUPTED, result.get().stopReason());
            assertEquals(1, result.get().inFlight());
            assertEquals(3, result.get().reads().ops());
        } finally {
            release.countDown();
        }
    }

    /** Passes every request on, except reads of block 3, which it holds until {@code release} (ignoring interrupts). */
    private static IoFilter holdingBlock3(CountDownLatch release) {
        return (request, next) -> {
            if (request.offset() == 3L * 4096) {
                boolean interrupted = false;
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            next.proceed(request);
        };
    }

    @Test
    void aRunNeedingMoreDirectMemoryThanTheDistributionHasIsRefusedBeforeItStarts() {
        long gib = 1L << 30;
        WorkloadRunnerImpl small = new WorkloadRunnerImpl(new InMemoryTraceReader(),
                () -> new MemoryBudget(2 * gib, gib / 10, 2 * gib, 0));
        InMemoryDisk disk = new InMemoryDisk("d1", 64L << 20, 4096);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> small.run(disk,
                WorkloadSpec.builder(WorkloadPattern.READ).threads(1024).blockSize(16 << 20).build(), p -> { }));
        assertTrue(e.getMessage().startsWith("workload:run --threads 1024 x --bs 16M needs 16 GiB of direct memory;"
                + " the distribution has 1.9 GiB free of 2 GiB"), e.getMessage());
        assertEquals(0, disk.count(IoOp.READ));
        IllegalArgumentException heap = assertThrows(IllegalArgumentException.class, () -> WorkloadRunnerImpl.requireMemory(
                new MemoryBudget(2 * gib, 0, 64L << 20, 0), WorkloadSpec.builder(WorkloadPattern.WRITE).verify(true).build(),
                WorkloadRunnerImpl.MAX_VERIFY_BLOCKS));
        assertTrue(heap.getMessage().startsWith("workload:run --threads 1 --verify over 67108864 blocks of 4K needs"),
                heap.getMessage());
    }
}
