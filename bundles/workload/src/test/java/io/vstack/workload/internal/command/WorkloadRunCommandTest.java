package io.vstack.workload.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vstack.api.io.InvalidIoException;
import io.vstack.api.testing.InMemoryDisk;
import io.vstack.api.testing.InMemoryTraceReader;
import io.vstack.api.testing.SystemOut;
import io.vstack.api.trace.TraceFormat;
import io.vstack.api.testing.InMemoryDiskManager;
import io.vstack.api.workload.WorkloadPattern;
import io.vstack.api.workload.WorkloadProgress;
import io.vstack.workload.internal.WorkloadRunnerImpl;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkloadRunCommandTest {

    private final InMemoryDiskManager disks = new InMemoryDiskManager();

    private WorkloadRunCommand command(String disk) {
        WorkloadRunCommand command = new WorkloadRunCommand();
        command.disks = disks;
        command.runner = new WorkloadRunnerImpl(new InMemoryTraceReader());
        command.disk = disk;
        command.noFormat = true;
        return command;
    }

    @Test
    void runsAndPrintsTheResultTable() throws Exception {
        disks.add(new InMemoryDisk("db1", 256L * 4096, 4096));
        WorkloadRunCommand command = command("db1");
        command.pattern = "randrw";
        command.ops = 1000;
        command.mix = 60;
        command.verify = true;
        String out = SystemOut.capture(command::execute);
        java.util.List<String[]> rows = out.lines().map(line -> line.trim().split("\\s*\t\\s*")).toList();
        assertEquals("read", rows.get(0)[0]);
        assertEquals("write", rows.get(1)[0]);
        assertEquals("total", rows.get(2)[0]);
        assertEquals("1000", rows.get(2)[1]);
        assertEquals(1000, Long.parseLong(rows.get(0)[1]) + Long.parseLong(rows.get(1)[1]));
        assertTrue(out.contains("disk db1, randrw bs=4096 threads=1,"), out);
        assertTrue(out.contains("errors 0,") && out.contains("verify failures 0, completed"), out);
    }

    @Test
    void jsonGivesTheResultAsOneObject() throws Exception {
        disks.add(new InMemoryDisk("db1", 256L * 4096, 4096));
        WorkloadRunCommand command = command("db1");
        command.pattern = "randwrite";
        command.ops = 500;
        command.json = true;
        JsonNode result = new ObjectMapper().readTree(SystemOut.capture(command::execute));
        assertEquals("db1", result.get("disk").asText());
        assertEquals("randwrite", result.get("pattern").asText());
        assertEquals(500, result.get("ops").asLong());
        assertEquals(500, result.get("writes").get("ops").asLong());
        assertEquals(500L * 4096, result.get("writes").get("bytes").asLong());
        assertTrue(result.get("writes").get("latency").get("p99Nanos").asLong() > 0);
        assertEquals("completed", result.get("stopReason").asText());
        assertEquals(0, result.get("errors").asLong());
        assertEquals(0, result.get("inFlight").asLong());
    }

    @Test
    void atAFilterTheRunPassesOnlyThatFilterAndTheOnesBelowIt() throws Exception {
        java.util.Map<String, java.util.concurrent.atomic.AtomicLong> seen = new java.util.concurrent.ConcurrentHashMap<>();
        InMemoryDisk disk = new InMemoryDisk("db1", 256L * 4096, 4096);
        for (String name : java.util.List.of("top", "middle", "bottom")) {
            seen.put(name, new java.util.concurrent.atomic.AtomicLong());
            disk.withFilter(name, (request, next) -> {
                seen.get(name).incrementAndGet();
                next.proceed(request);
            });
        }
        disks.add(disk);
        WorkloadRunCommand command = command("db1");
        command.pattern = "randwrite";
        command.ops = 300;
        command.at = "middle";
        String out = SystemOut.capture(command::execute);
        assertTrue(out.contains("errors 0,"), out);
        assertEquals(0, seen.get("top").get(), "a filter above the target sees nothing");
        assertEquals(300, seen.get("middle").get());
        assertEquals(300, seen.get("bottom").get());
    }

    @Test
    void atAFilterThatIsNotAttachedIsAOneLineError() {
        disks.add(new InMemoryDisk("db1", 256L * 4096, 4096).withFilter("top", (request, next) -> next.proceed(request)));
        WorkloadRunCommand command = command("db1");
        command.ops = 10;
        command.at = "nope";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, command::execute);
        assertEquals("--at 'nope': no such filter is attached to disk db1; disk:info db1 lists its filters", e.getMessage());
    }

    @Test
    void unknownDiskIsAOneLineError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> command("nope").execute());
        assertEquals("No disk named 'nope'; disk:list shows the disks", e.getMessage());
    }

    @Test
    void optionsBecomeTheSpec() {
        WorkloadRunCommand command = command("db1");
        command.pattern = "randwrite";
        command.blockSize = "64K";
        command.threads = 8;
        command.size = "1G";
        command.duration = "10s";
        command.zipf = 1.1;
        command.flushEvery = 32;
        var spec = command.spec();
        assertEquals(WorkloadPattern.RANDWRITE, spec.pattern());
        assertEquals(65536, spec.blockSize());
        assertEquals(8, spec.threads());
        assertEquals(1L << 30, spec.regionSize());
        assertEquals(Duration.ofSeconds(10), spec.duration());
        assertEquals(1.1, spec.zipfTheta());
        command.pattern = "sideways";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, command::spec);
        assertEquals("--rw 'sideways' is not a pattern: use read, write, randread, randwrite or randrw", e.getMessage());
        command.pattern = "read";
        command.zipf = 0;
        command.trace = "/tmp/x.trace.gz";
        assertEquals(WorkloadPattern.TRACE, command.spec().pattern());
        assertEquals(TraceFormat.AUTO, command.spec().traceFormat());
        command.traceFormat = "xz-i32";
        assertEquals(TraceFormat.S32, command.spec().traceFormat());
        command.traceFormat = "s32";
        assertEquals(TraceFormat.S32, command.spec().traceFormat());
    }

    @Test
    void verifyOnlyNamesABlockThatHasNeitherZerosNorAHeader() throws Exception {
        InMemoryDisk disk = new InMemoryDisk("db1", 16L * 4096, 4096);
        disks.add(disk);
        WorkloadRunCommand write = command("db1");
        write.pattern = "write";
        write.size = "32K";                  // blocks 0-7 written; 8-15 stay zero
        write.verify = true;
        SystemOut.capture(write::execute);
        for (int i = 0; i < 4096; i++) {     // block 5 overwritten by bytes of no verify run
            disk.backingStore().put(5 * 4096 + i, (byte) 0xAB);
        }
        WorkloadRunCommand verifyOnly = command("db1");
        verifyOnly.verifyOnly = true;
        String out = SystemOut.capture(verifyOnly::execute);
        assertTrue(out.contains("verified blocks 7, verify failures 1, completed"), out);
        assertTrue(out.contains("  verify failed at offset 20480: neither zeros nor a verify header"), out);
        assertTrue(out.contains("verify-only: checked 8 blocks of 16 read (8 all zero, never written): 7 intact, 1 failed"), out);
    }

    @Test
    void sizeZeroAndVerifyWithVerifyOnlyAreRefusedInOneLine() {
        WorkloadRunCommand command = command("db1");
        command.size = "0";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, command::spec);
        assertEquals("--size 0 covers no block: give at least one --bs, or leave --size out for the whole disk", e.getMessage());
        command.size = null;
        command.verify = true;
        command.verifyOnly = true;
        e = assertThrows(IllegalArgumentException.class, command::spec);
        assertEquals("--verify writes verifiable blocks and --verify-only only reads them: give one of the two", e.getMessage());
    }

    @Test
    void aWriteRunInWhichEveryIoFailedIsACommandFailure() {
        disks.add(new InMemoryDisk("db1", 8L * 4096, 4096).withFilter("refuse", (request, next) -> {
            throw new InvalidIoException("refused by the test");
        }));
        WorkloadRunCommand command = command("db1");
        command.pattern = "write";
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SystemOut.capture(command::execute));
        assertEquals("all 8 I/Os failed; the first, a write at offset 0: refused by the test", e.getMessage());
    }

    @Test
    void progressLineShowsTheFigures() {
        assertEquals("   2.0s  ops 12,345  IOPS 6,000  MiB/s 23.4  errors 1",
                ResultTable.progressLine(new WorkloadProgress(Duration.ofSeconds(2), 12345, 0, 1, 0, 6000, 23.44)));
    }
}
