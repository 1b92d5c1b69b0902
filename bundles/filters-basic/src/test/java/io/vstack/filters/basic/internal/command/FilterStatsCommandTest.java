package io.vstack.filters.basic.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.testing.InMemoryDisk;
import io.vstack.api.testing.SystemOut;
import io.vstack.api.testing.TestFilterContext;
import io.vstack.filters.basic.internal.MetricPublisher;
import io.vstack.filters.basic.internal.stats.StatsFilterFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FilterStatsCommandTest {

    private final AtomicLong clock = new AtomicLong();
    private final StatsFilterFactory factory = new StatsFilterFactory(MetricPublisher.NONE, clock::get);

    @Test
    void printsOneRowPerDiskAndOpThatSawIo() throws Exception {
        IoFilter filter = factory.create(TestFilterContext.of("db1", 1 << 20, 4096, Map.of(), Path.of(".")));
        InMemoryDisk disk = new InMemoryDisk("db1", 1 << 20, 4096).withFilter("stats", filter)
                .withFilter("slow", (request, next) -> {
                    clock.addAndGet(250_000);                   // each I/O takes 250 us of fake time
                    next.proceed(request);
                });
        try (DiskHandle handle = disk.open("test")) {
            for (int i = 0; i < 4; i++) {
                handle.write(0, ByteBuffer.allocate(4096));
            }
        }
        clock.set(1_000_000_000L);
        FilterStatsCommand command = new FilterStatsCommand();
        command.board = factory;
        command.noFormat = true;
        String[] fields = SystemOut.capture(command::execute).trim().split("\\s*\t\\s*");
        // Disk, Op, Ops, Errors, IOPS, IOPS avg, MiB/s, p50, p99, p999, Interval
        assertEquals("db1", fields[0]);
        assertEquals("write", fields[1]);
        assertEquals("4", fields[2]);
        assertEquals("0", fields[3]);
        assertEquals("4", fields[4]);
        assertEquals("0.02", fields[6]);
        assertEquals(250.0, Double.parseDouble(fields[7]), 0.25);    // HdrHistogram: 3 significant digits
        assertEquals(11, fields.length);
    }

    @Test
    void jsonGivesEachDisksFiguresWithLatenciesInNanoseconds() throws Exception {
        IoFilter filter = factory.create(TestFilterContext.of("db1", 1 << 20, 4096, Map.of(), Path.of(".")));
        InMemoryDisk disk = new InMemoryDisk("db1", 1 << 20, 4096).withFilter("stats", filter)
                .withFilter("slow", (request, next) -> {
                    clock.addAndGet(250_000);
                    next.proceed(request);
                });
        try (DiskHandle handle = disk.open("test")) {
            handle.write(0, ByteBuffer.allocate(4096));
            handle.write(4096, ByteBuffer.allocate(4096));
        }
        clock.set(1_000_000_000L);
        FilterStatsCommand command = new FilterStatsCommand();
        command.board = factory;
        command.json = true;
        JsonNode disks = new ObjectMapper().readTree(SystemOut.capture(command::execute));
        assertEquals(1, disks.size());
        assertEquals("db1", disks.get(0).get("diskId").asText());
        JsonNode ops = disks.get(0).get("ops");
        assertEquals(1, ops.size(), "only the op types that saw I/O");
        assertEquals("write", ops.get(0).get("op").asText());
        assertEquals(2, ops.get(0).get("count").asLong());
        assertEquals(8192, ops.get(0).get("bytes").asLong());
        assertEquals(250_000, ops.get(0).get("latency").get("p50").asLong(), 250);
    }

    @Test
    void unknownDiskIsAOneLineError() {
        FilterStatsCommand command = new FilterStatsCommand();
        command.board = factory;
        command.disk = "nope";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, command::execute);
        assertEquals("The stats filter is not attached to disk 'nope'; attach it with filter:attach nope stats", e.getMessage());
    }

    @Test
    void saysSoWhenNothingIsAttached() throws Exception {
        FilterStatsCommand command = new FilterStatsCommand();
        command.board = factory;
        assertTrue(SystemOut.capture(command::execute).contains("No disk has the stats filter attached"));
    }
}
