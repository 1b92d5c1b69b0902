package io.vstack.workload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.io.IoOp;
import io.vstack.api.testing.InMemoryDisk;
import io.vstack.api.testing.InMemoryTraceReader;
import io.vstack.api.trace.TraceFormat;
import io.vstack.api.workload.WorkloadPattern;
import io.vstack.api.workload.WorkloadResult;
import io.vstack.api.workload.WorkloadSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Trace replay through the runner, on traces served by a fake reader (the reader itself is tested in bundle traces). */
class TraceReplayTest {

    private final InMemoryTraceReader traces = new InMemoryTraceReader();
    private final WorkloadRunnerImpl runner = new WorkloadRunnerImpl(traces);

    private static WorkloadSpec.Builder replay(Path file) {
        return WorkloadSpec.builder(WorkloadPattern.TRACE).trace(file);
    }

    @Test
    void replayReadsEachKeyModuloTheRegion() throws Exception {
        Path file = Path.of("replay.trace.xz");
        // the keys a u32 reader returns for the big-endian ints 0, 3, 17, -1, 16
        traces.with(file, 0, 3, 17, 0xFFFFFFFFL, 16);
        RecordingFilter recorder = new RecordingFilter();
        InMemoryDisk disk = new InMemoryDisk("d1", 16L * 4096, 4096).withFilter("recorder", recorder);
        WorkloadResult result = runner.run(disk, replay(file).build(), p -> { });
        // u32: -1 is 4294967295, which is 15 modulo 16
        assertEquals(List.of(0L, 3 * 4096L, 1 * 4096L, 15 * 4096L, 0L), recorder.offsets(IoOp.READ));
        assertEquals(5, result.reads().ops());
        assertEquals(WorkloadResult.StopReason.COMPLETED, result.stopReason());
        assertEquals(Optional.of(TraceFormat.AUTO), traces.formatAsked(file), "the format is the reader's to choose");
    }

    @Test
    void negativeKeysWrapModuloTheRegionAndTheFormatIsPassedOn() throws Exception {
        Path file = Path.of("signed.trace.xz");
        traces.with(file, -1, -16, -17);
        RecordingFilter recorder = new RecordingFilter();
        InMemoryDisk disk = new InMemoryDisk("d1", 16L * 4096, 4096).withFilter("recorder", recorder);
        runner.run(disk, replay(file).traceFormat(TraceFormat.S32).build(), p -> { });
        assertEquals(List.of(15 * 4096L, 0L, 15 * 4096L), recorder.offsets(IoOp.READ));
        assertEquals(Optional.of(TraceFormat.S32), traces.formatAsked(file));
    }

    @Test
    void threadsShareTheTraceAndReplayEachKeyOnce() throws Exception {
        Path file = Path.of("long.trace.gz");
        traces.with(file, LongStream.range(0, 1000).toArray());
        InMemoryDisk disk = new InMemoryDisk("d1", 64L * 4096, 4096);
        WorkloadResult result = runner.run(disk, replay(file).threads(4).build(), p -> { });
        assertEquals(1000, result.reads().ops());
        assertEquals(WorkloadResult.StopReason.COMPLETED, result.stopReason());
    }

    @Test
    void aCorruptTraceFailsTheRunWithOneLine() throws Exception {
        Path file = Path.of("broken.trace.gz");
        String message = "trace " + file + " line 3: 'x' is not a key (format text: one decimal key per line)";
        traces.failing(file, message, 1, 2);
        InMemoryDisk disk = new InMemoryDisk("d1", 16L * 4096, 4096);
        WorkloadResult result = runner.run(disk, replay(file).build(), p -> { });
        assertEquals(WorkloadResult.StopReason.FAILED, result.stopReason());
        assertEquals(message, result.failure().orElseThrow());
        assertEquals(2, result.reads().ops());
    }

    @Test
    void aMissingTraceIsRefusedBeforeTheRun() {
        InMemoryDisk disk = new InMemoryDisk("d1", 16L * 4096, 4096);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> runner.run(disk, replay(Path.of("none.gz")).build(), p -> { }));
        assertTrue(missing.getMessage().endsWith("none.gz does not exist"), missing.getMessage());
    }
}
