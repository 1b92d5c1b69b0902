package io.vstack.workload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.lang.management.ManagementFactory;
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
}
