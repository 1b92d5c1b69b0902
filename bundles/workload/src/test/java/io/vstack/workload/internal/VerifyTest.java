package io.vstack.workload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.filter.IoFilter;
import io.vstack.api.io.IoOp;
import io.vstack.api.testing.InMemoryDisk;
import io.vstack.api.testing.InMemoryTraceReader;
import io.vstack.api.workload.WorkloadPattern;
import io.vstack.api.workload.WorkloadResult;
import io.vstack.api.workload.WorkloadSpec;
import org.junit.jupiter.api.Test;

class VerifyTest {

    private static final int BS = 4096;
    private final WorkloadRunnerImpl runner = new WorkloadRunnerImpl(new InMemoryTraceReader());

    @Test
    void verifyOnlyFindsAByteFlippedAfterAVerifiedWritePass() throws Exception {
        InMemoryDisk disk = new InMemoryDisk("d1", 64L * BS, BS);
        WorkloadResult written = runner.run(disk, WorkloadSpec.builder(WorkloadPattern.WRITE).verify(true).build(), p -> { });
        assertEquals(64, written.writes().ops());

        WorkloadResult clean = runner.run(disk, WorkloadSpec.builder(WorkloadPattern.VERIFY_ONLY).build(), p -> { });
        assertEquals(64, clean.verifiedBlocks());
        assertEquals(0, clean.verifyFailures());

        disk.flipByte(5L * BS + 1000);
        WorkloadResult corrupt = runner.run(disk, WorkloadSpec.builder(WorkloadPattern.VERIFY_ONLY).build(), p -> { });
        assertEquals(63, corrupt.verifiedBlocks());
        assertEquals(1, corrupt.verifyFailures());
        WorkloadResult.Failure failure = corrupt.failures().get(0);
        assertEquals(5L * BS, failure.offset());
        assertEquals("verify", failure.what());
        assertEquals("checksum of the block does not match its header (corrupt data)", failure.message());
    }

    @Test
    void aLostWriteIsCaughtByTheGenerationTable() throws Exception {
        InMemoryDisk disk = new InMemoryDisk("d1", 16L * BS, BS);
        int[] writesToBlock3 = {0};
        IoFilter dropLaterWritesOfBlock3 = (request, next) -> {
            if (request.op() == IoOp.WRITE && request.offset() == 3L * BS && ++writesToBlock3[0] >= 2) {
                request.buffer().position(request.buffer().limit());   // "acknowledged", never stored
                return;
            }
            next.proceed(request);
        };
        disk.withFilter("lose", dropLaterWritesOfBlock3);
        WorkloadResult result = runner.run(disk, WorkloadSpec.builder(WorkloadPattern.RANDRW).regionSize(16L * BS)
                .verify(true).ops(4000).seed(5).build(), p -> { });
        assertTrue(writesToBlock3[0] >= 2);
        assertTrue(result.verifyFailures() >= 1, "lost write not detected");
        WorkloadResult.Failure failure = result.failures().get(0);
        assertEquals(3L * BS, failure.offset());
        assertTrue(failure.message().matches("expected generation \\d+, found 1 \\(stale data\\)"), failure.message());
        assertTrue(result.verifiedBlocks() > 100);
    }

    @Test
    void concurrentVerifiedMixOnFewBlocksHasNoFalseFailures() throws Exception {
        InMemoryDisk disk = new InMemoryDisk("d1", 8L * BS, BS);
        WorkloadResult result = runner.run(disk, WorkloadSpec.builder(WorkloadPattern.RANDRW).threads(4)
                .verify(true).ops(20_000).seed(9).build(), p -> { });
        assertEquals(0, result.verifyFailures(), result.failures().toString());
        assertEquals(0, result.errors());
        assertTrue(result.verifiedBlocks() > 0);
    }

    @Test
    void aBlockOfAnotherOffsetIsReportedAsMisplaced() throws Exception {
        InMemoryDisk disk = new InMemoryDisk("d1", 8L * BS, BS);
        runner.run(disk, WorkloadSpec.builder(WorkloadPattern.WRITE).verify(true).build(), p -> { });
        for (int i = 0; i < BS; i++) {       // copy block 2 over block 6
            disk.backingStore().put(6 * BS + i, disk.backingStore().get(2 * BS + i));
        }
        WorkloadResult result = runner.run(disk, WorkloadSpec.builder(WorkloadPattern.VERIFY_ONLY).build(), p -> { });
        assertEquals(1, result.verifyFailures());
        assertEquals(6L * BS, result.failures().get(0).offset());
        assertEquals("block belongs to offset 8192 (misplaced write)", result.failures().get(0).message());
    }
}
