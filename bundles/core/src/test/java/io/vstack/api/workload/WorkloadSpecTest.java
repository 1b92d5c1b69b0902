package io.vstack.api.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vstack.api.trace.TraceFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkloadSpecTest {

    @Test
    void defaultsAreFourKiBOneThreadHalfReads() {
        WorkloadSpec spec = WorkloadSpec.builder(WorkloadPattern.RANDRW).build();
        assertEquals(4096, spec.blockSize());
        assertEquals(1, spec.threads());
        assertEquals(50, spec.readPercent());
        assertEquals(0, spec.regionSize());
        assertEquals(Duration.ZERO, spec.duration());
    }

    @Test
    void traceReadsByDefaultAndLeavesItsFormatToTheReader() {
        WorkloadSpec spec = WorkloadSpec.builder(WorkloadPattern.TRACE).trace(Path.of("w106.trace.xz")).build();
        assertEquals(100, spec.readPercent());
        assertEquals(TraceFormat.AUTO, spec.traceFormat());
        assertEquals(TraceFormat.S32, WorkloadSpec.builder(WorkloadPattern.TRACE).trace(Path.of("web07.trace.xz"))
                .traceFormat(TraceFormat.parse("xz-i32")).build().traceFormat());
    }

    @Test
    void refusesBadValuesNamingTheOption() {
        record Case(WorkloadSpec.Builder builder, String start) {
        }
        for (Case c : List.of(
                new Case(WorkloadSpec.builder(WorkloadPattern.READ).blockSize(1000), "--bs 1000"),
                new Case(WorkloadSpec.builder(WorkloadPattern.READ).threads(0), "--threads 0"),
                new Case(WorkloadSpec.builder(WorkloadPattern.READ).regionSize(5000), "--size 5000"),
                new Case(WorkloadSpec.builder(WorkloadPattern.RANDRW).readPercent(101), "--mix 101"),
                new Case(WorkloadSpec.builder(WorkloadPattern.READ).zipfTheta(1.1), "--zipf applies"),
                new Case(WorkloadSpec.builder(WorkloadPattern.RANDREAD).zipfTheta(-1), "--zipf -1"),
                new Case(WorkloadSpec.builder(WorkloadPattern.TRACE), "the trace pattern needs --trace"),
                new Case(WorkloadSpec.builder(WorkloadPattern.READ).trace(Path.of("x.gz")), "--trace replays"),
                new Case(WorkloadSpec.builder(WorkloadPattern.READ).traceFormat(TraceFormat.TEXT), "--trace replays"),
                new Case(WorkloadSpec.builder(WorkloadPattern.READ).ops(-1), "--ops -1"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c.builder()::build);
            assertEquals(true, e.getMessage().startsWith(c.start()), e.getMessage());
        }
    }

    @Test
    void resultRatesAreOverTheElapsedTime() {
        WorkloadSpec spec = WorkloadSpec.builder(WorkloadPattern.RANDRW).build();
        LatencySummary latency = new LatencySummary(3000, 10_000, 9_000, 50_000, 90_000, 100_000);
        WorkloadResult result = new WorkloadResult("d1", spec, Duration.ofMillis(1500),
                new OpFigures(2000, 2000L * 4096, latency), new OpFigures(1000, 1000L * 4096, latency), OpFigures.NONE,
                0, 0, 0, List.of(), WorkloadResult.StopReason.COMPLETED, Optional.empty());
        assertEquals(3000, result.ops());
        assertEquals(2000.0, result.iops(), 1e-9);
        assertEquals(3000 * 4096 / 1.5 / (1 << 20), result.mibPerSecond(), 1e-9);
        WorkloadResult instant = new WorkloadResult("d1", spec, Duration.ZERO, OpFigures.NONE, OpFigures.NONE,
                OpFigures.NONE, 0, 0, 0, List.of(), WorkloadResult.StopReason.COMPLETED, Optional.empty());
        assertEquals(0.0, instant.iops());
    }

    @Test
    void latencyPercentilesMustBeOrdered() {
        assertThrows(IllegalArgumentException.class, () -> new LatencySummary(1, 1, 10, 5, 20, 30));
    }
}
