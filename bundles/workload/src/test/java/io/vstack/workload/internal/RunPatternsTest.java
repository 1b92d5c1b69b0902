package io.vstack.workload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.io.IoOp;
import io.vstack.api.testing.InMemoryDisk;
import io.vstack.api.testing.InMemoryTraceReader;
import io.vstack.api.workload.WorkloadPattern;
import io.vstack.api.workload.WorkloadResult;
import io.vstack.api.workload.WorkloadSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Each pattern, against the in-memory disk: which offsets it touched, with which ops. */
class RunPatternsTest {

    private static final int BS = 4096;
    private final WorkloadRunnerImpl runner = new WorkloadRunnerImpl(new InMemoryTraceReader());
    private final RecordingFilter recorder = new RecordingFilter();
    private final InMemoryDisk disk = new InMemoryDisk("d1", 256L * BS, BS).withFilter("recorder", recorder);

    private WorkloadResult run(WorkloadSpec.Builder spec) throws Exception {
        return runner.run(disk, spec.build(), progress -> { });
    }

    private static List<Long> blocks(long from, long to) {
        return LongStream.range(from, to).map(b -> b * BS).boxed().toList();
    }

    @Test
    void sequentialReadWalksTheRegionAndWraps() throws Exception {
        WorkloadResult result = run(WorkloadSpec.builder(WorkloadPattern.READ).regionSize(16L * BS).ops(20));
        List<Long> expected = new ArrayList<>(blocks(0, 16));
        expected.addAll(blocks(0, 4));
        assertEquals(expected, recorder.offsets(IoOp.READ));
        assertEquals(List.of(), recorder.offsets(IoOp.WRITE));
        assertEquals(20, result.reads().ops());
        assertEquals(20L * BS, result.reads().bytes());
        assertEquals(WorkloadResult.StopReason.COMPLETED, result.stopReason());
    }

    @Test
    void sequentialWriteWithoutLimitsMakesOnePassAndFlushesEveryN() throws Exception {
        WorkloadResult result = run(WorkloadSpec.builder(WorkloadPattern.WRITE).regionSize(32L * BS).flushEvery(8));
        assertEquals(blocks(0, 32), recorder.offsets(IoOp.WRITE));
        assertEquals(4, disk.count(IoOp.FLUSH));
        assertEquals(4, result.flushes().ops());
        assertEquals(4, result.flushes().latency().count());
    }

    @Test
    void threadsShareOneSequenceWithoutRepeats() throws Exception {
        run(WorkloadSpec.builder(WorkloadPattern.WRITE).threads(4).regionSize(64L * BS).ops(64));
        List<Long> offsets = recorder.offsets(IoOp.WRITE);
        assertEquals(64, offsets.size());
        assertEquals(new HashSet<>(blocks(0, 64)), new HashSet<>(offsets));
    }

    @Test
    void randomReadsStayInTheRegionAlignedAndSpreadOut() throws Exception {
        run(WorkloadSpec.builder(WorkloadPattern.RANDREAD).regionSize(64L * BS).ops(2000).seed(7));
        List<Long> offsets = recorder.offsets(IoOp.READ);
        assertEquals(2000, offsets.size());
        assertTrue(offsets.stream().allMatch(o -> o % BS == 0 && o >= 0 && o < 64L * BS));
        assertEquals(64, new HashSet<>(offsets).size(), "2000 uniform draws over 64 blocks hit every block");
        assertEquals(List.of(), recorder.offsets(IoOp.WRITE));
    }

    @Test
    void randrwMixesReadsAndWritesAsAsked() throws Exception {
        WorkloadResult result = run(WorkloadSpec.builder(WorkloadPattern.RANDRW).readPercent(70).ops(10_000).seed(3));
        double reads = result.reads().ops() / 10_000.0;
        assertEquals(0.70, reads, 0.02);
        assertEquals(10_000, result.ops());
        assertEquals(result.reads().ops(), disk.count(IoOp.READ));
        assertEquals(result.writes().ops(), disk.count(IoOp.WRITE));
    }

    @Test
    void randomWritesWithZipfFavourTheFirstBlocks() throws Exception {
        run(WorkloadSpec.builder(WorkloadPattern.RANDWRITE).zipfTheta(1.2).ops(5000).seed(11));
        List<Long> offsets = recorder.offsets(IoOp.WRITE);
        long hot = offsets.stream().filter(o -> o < 8L * BS).count();
        // Uniform would put 8/256 = 3 % on the first 8 blocks; Zipf(1.2) over 256 puts about 62 % there.
        assertTrue(hot > 0.5 * offsets.size(), hot + " of " + offsets.size());
    }

    @Test
    void blockSizeMustFitTheDisk() {
        InMemoryDisk big = new InMemoryDisk("big", 64L * 8192, 8192);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runner.run(big, WorkloadSpec.builder(WorkloadPattern.READ).blockSize(4096).build(), p -> { }));
        assertEquals("--bs 4096 is not a multiple of disk big's block size 8192", e.getMessage());
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> runner.run(disk, WorkloadSpec.builder(WorkloadPattern.READ).regionSize(1L << 30).build(), p -> { }));
        assertEquals("--size 1073741824 is larger than disk d1 (1048576 bytes)", tooBig.getMessage());
    }

    @Test
    void aRemovedDiskFailsTheRunWithOneLine() throws Exception {
        InMemoryDisk doomed = new InMemoryDisk("doomed", 64L * BS, BS);
        doomed.withFilter("remove-after-10", new io.vstack.api.filter.IoFilter() {
            int count;

            @Override
            public synchronized void submit(io.vstack.api.io.IoRequest request, io.vstack.api.io.IoChain next)
                    throws io.vstack.api.io.IoException {
                if (++count == 10) {
                    doomed.remove();
                }
                next.proceed(request);
            }
        });
        WorkloadResult result = runner.run(doomed, WorkloadSpec.builder(WorkloadPattern.READ).ops(1000).build(), p -> { });
        assertEquals(WorkloadResult.StopReason.FAILED, result.stopReason());
        assertEquals("disk doomed became unavailable: disk doomed was removed", result.failure().orElseThrow());
        assertEquals(9, result.reads().ops());
        assertEquals(1, result.errors());
    }
}
