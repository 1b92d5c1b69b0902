package io.vstack.filters.basic.internal.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricSource;
import io.vstack.api.testing.InMemoryDisk;
import io.vstack.api.testing.TestFilterContext;
import io.vstack.filters.basic.internal.Allocations;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsFilterTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final List<MetricSource> published = new ArrayList<>();
    private final StatsFilterFactory factory = new StatsFilterFactory((source, properties) -> {
        published.add(source);
        return () -> published.remove(source);
    }, clock::get);

    @TempDir
    Path dir;

    private IoFilter attach(String disk) {
        return factory.create(TestFilterContext.of(disk, 1 << 20, 4096, Map.of(), dir));
    }

    /** A disk whose store "takes" the latency the test sets, by advancing the fake clock. */
    private InMemoryDisk diskWithLatency(IoFilter filter, AtomicLong nextLatency) {
        InMemoryDisk disk = new InMemoryDisk("d1", 1 << 20, 4096).withFilter("stats", filter);
        disk.withFilter("latency", (request, next) -> {
            clock.addAndGet(nextLatency.get());
            next.proceed(request);
        });
        return disk;
    }

    @Test
    void percentilesComeFromTheMeasuredLatenciesInOrder() throws Exception {
        StatsFilter filter = (StatsFilter) attach("d1");
        AtomicLong latency = new AtomicLong();
        InMemoryDisk disk = diskWithLatency(filter, latency);
        ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
        try (DiskHandle handle = disk.open("test")) {
            for (int i = 1; i <= 1000; i++) {          // reads taking 1 us .. 1000 us
                latency.set(i * 1000L);
                buffer.clear();
                handle.read((i % 256) * 4096L, buffer);
            }
            latency.set(5_000_000);                     // one 5 ms write
            buffer.clear();
            handle.write(0, buffer);
        }
        DiskStats stats = filter.figures();
        DiskStats.Op read = stats.ops().get(IoOp.READ.ordinal());
        assertEquals("read", read.op());
        assertEquals(1000, read.count());
        assertEquals(1000L * 4096, read.bytes());
        assertEquals(500_000, read.latency().p50(), 500_000 * 0.001);
        assertEquals(990_000, read.latency().p99(), 990_000 * 0.001);
        assertEquals(999_000, read.latency().p999(), 999_000 * 0.001);
        assertTrue(read.latency().p50() <= read.latency().p99() && read.latency().p99() <= read.latency().p999()
                && read.latency().p999() <= read.latency().max(), read.latency().toString());
        DiskStats.Op write = stats.ops().get(IoOp.WRITE.ordinal());
        assertEquals(1, write.count());
        assertEquals(5_000_000, write.latency().max(), 5_000);
        // 1000 reads took 500.5 ms of fake time in all, plus the 5 ms write.
        assertEquals(1000 / 0.5055, read.averageIops(), 0.01);
    }

    @Test
    void recentRatesCoverTheWindowSinceTheLastPoll() throws Exception {
        StatsFilter filter = (StatsFilter) attach("d1");
        InMemoryDisk disk = new InMemoryDisk("d1", 1 << 20, 4096).withFilter("stats", filter);
        ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
        try (DiskHandle handle = disk.open("test")) {
            for (int i = 0; i < 100; i++) {
                handle.write(0, buffer.clear());
            }
            clock.addAndGet(2_000_000_000L);
            DiskStats first = filter.figures();          // window: attach .. +2 s
            assertEquals(2.0, first.intervalSeconds(), 1e-9);
            assertEquals(50.0, first.ops().get(IoOp.WRITE.ordinal()).iops(), 1e-9);
            for (int i = 0; i < 30; i++) {
                handle.write(0, buffer.clear());
            }
            clock.addAndGet(500_000_000L);
            DiskStats second = filter.figures();         // window: +2 s .. +2.5 s, not advanced (< 1 s)
            assertEquals(0.5, second.intervalSeconds(), 1e-9);
            assertEquals(60.0, second.ops().get(IoOp.WRITE.ordinal()).iops(), 1e-9);
            assertEquals(130 / 2.5, second.ops().get(IoOp.WRITE.ordinal()).averageIops(), 1e-9);
            clock.addAndGet(500_000_000L);
            DiskStats third = filter.figures();          // still from +2 s: 30 writes over 1 s, then advances
            assertEquals(30.0, third.ops().get(IoOp.WRITE.ordinal()).iops(), 1e-9);
            assertEquals(4096 * 30 / (double) (1 << 20), third.ops().get(IoOp.WRITE.ordinal()).mibPerSec(), 1e-9);
            clock.addAndGet(1_000_000_000L);
            assertEquals(0.0, filter.figures().ops().get(IoOp.WRITE.ordinal()).iops(), 1e-9);
        }
    }

    @Test
    void failedIoIsCountedAsAnErrorAndRethrown() throws Exception {
        StatsFilter filter = (StatsFilter) attach("d1");
        InMemoryDisk disk = new InMemoryDisk("d1", 1 << 20, 4096).withFilter("stats", filter)
                .withFilter("fail", (request, next) -> {
                    throw new IoException("boom");
                });
        try (DiskHandle handle = disk.open("test")) {
            assertThrows(IoException.class, () -> handle.read(0, ByteBuffer.allocate(4096)));
        }
        DiskStats.Op read = filter.figures().ops().get(IoOp.READ.ordinal());
        assertEquals(0, read.count());
        assertEquals(1, read.errors());
        assertEquals(1, read.latency().count());
    }

    @Test
    void publishesAMetricSourcePerDiskUntilDetached() throws Exception {
        IoFilter a = attach("a");
        IoFilter b = attach("b");
        assertEquals(List.of("disk/a/stats", "disk/b/stats"), published.stream().map(MetricSource::source).toList());
        assertEquals(List.of("a", "b"), factory.attached().stream().map(StatsFilter::diskId).toList());
        List<Metric> metrics = published.get(0).snapshot();
        assertEquals(java.util.Map.of("disk", "a", "filter", "stats"), published.get(0).labels());
        assertEquals("stats.ops", metrics.get(0).name());
        assertEquals(java.util.Map.of("op", "read"), metrics.get(0).labels());
        assertEquals(io.vstack.api.metrics.MetricType.COUNTER, metrics.get(0).type());
        assertEquals("stats.latency", metrics.get(6).name());
        assertEquals(3, metrics.get(6).distribution().quantiles().size());
        assertEquals("stats.interval", metrics.get(metrics.size() - 1).name());
        assertEquals(4 * 8 + 2, metrics.size());
        a.close();
        assertEquals(List.of("disk/b/stats"), published.stream().map(MetricSource::source).toList());
        assertEquals(List.of("b"), factory.attached().stream().map(StatsFilter::diskId).toList());
        b.close();
        assertTrue(published.isEmpty());
    }

    @Test
    void refusesConfiguration() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> factory.create(TestFilterContext.of("d1", 1 << 20, 4096, Map.of("x", "1"), dir)));
        assertEquals("stats: unknown config key x; it takes no configuration", e.getMessage());
    }

    @Test
    void theMeasuredPathAllocatesNothing() throws Exception {
        StatsFilterFactory real = new StatsFilterFactory((source, properties) -> () -> { }, System::nanoTime);
        IoFilter filter = real.create(TestFilterContext.of("d1", 1 << 20, 4096, Map.of(), dir));
        InMemoryDisk disk = new InMemoryDisk("d1", 1 << 20, 4096).withFilter("stats", filter);
        ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
        try (DiskHandle handle = disk.open("test")) {
            Allocations.Action io = () -> {
                for (int i = 0; i < 20_000; i++) {
                    handle.write((i % 256) * 4096L, buffer.clear());
                    handle.read((i % 256) * 4096L, buffer.clear());
                }
            };
            io.run();                                     // warm up: thread locals, JIT
            long bytes = Allocations.allocatedBy(io);
            // Any allocation per I/O is at least 16 bytes each time: under one byte per I/O means none.
            assertTrue(bytes < 40_000, "40,000 I/Os allocated " + bytes + " bytes");
        }
    }
}
