package io.vstack.filters.basic.internal.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.io.IoException;
import io.vstack.api.testing.InMemoryDisk;
import io.vstack.api.testing.TestFilterContext;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The throttle's schedule, read off a fake clock: no test here waits for real time. */
class ThrottleFilterTest {

    /** A clock that jumps to each deadline instead of waiting, and records the waits. */
    static final class FakePacer implements Pacer {
        final AtomicLong now = new AtomicLong();
        final List<Long> waits = new ArrayList<>();
        final boolean jump;

        FakePacer(boolean jump) {
            this.jump = jump;
        }

        @Override
        public long nanoTime() {
            return now.get();
        }

        @Override
        public synchronized void awaitUntil(long deadline) {
            waits.add(deadline - now.get());
            if (jump) {
                now.accumulateAndGet(deadline, Math::max);
            }
        }
    }

    private static IoFilter throttle(FakePacer pacer, Map<String, String> config) {
        return new ThrottleFilterFactory(pacer).create(TestFilterContext.of("d1", 1 << 20, 4096, config, Path.of(".")));
    }

    @Test
    void iopsLimitSpacesRequestsAfterTheBurst() throws Exception {
        FakePacer pacer = new FakePacer(true);
        InMemoryDisk disk = new InMemoryDisk("d1", 1 << 20, 4096)
                .withFilter("throttle", throttle(pacer, Map.of("iops", "1000", "burst", "5ms")));
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        try (DiskHandle handle = disk.open("test")) {
            for (int i = 0; i < 1005; i++) {
                handle.read(0, buffer.clear());
            }
        }
        // 5 ms of credit lets the first 5 (plus the one at t=0) go at once; then 1 ms apart.
        assertEquals(1005 - 6, pacer.waits.size());
        assertTrue(pacer.waits.stream().allMatch(w -> w == 1_000_000L), pacer.waits.subList(0, 5).toString());
        // 1005 requests in 999 ms of (fake) time: the rate over the run is within 1 % of the limit.
        double rate = 1005 / (pacer.now.get() / 1e9);
        assertEquals(1000, rate, 10);
    }

    @Test
    void bandwidthLimitChargesBytesAndTheSlowerBucketWins() throws Exception {
        FakePacer pacer = new FakePacer(true);
        InMemoryDisk disk = new InMemoryDisk("d1", 1 << 20, 4096)
                .withFilter("throttle", throttle(pacer, Map.of("iops", "100000", "bandwidth", "4M", "burst", "0")));
        ByteBuffer small = ByteBuffer.allocate(4096);
        ByteBuffer big = ByteBuffer.allocate(65536);
        try (DiskHandle handle = disk.open("test")) {
            handle.write(0, small);     // starts at 0, occupies 4096 / 4 MiB/s = 976,562.5 ns
            handle.write(0, big);       // waits for the first; occupies 15.625 ms
            handle.write(0, small.clear());
            handle.flush();             // flushes and trims are not throttled
            handle.trim(0, 4096);
        }
        assertEquals(List.of(976_563L, 15_625_000L), pacer.waits);
    }

    @Test
    void concurrentCallersGetDistinctSlotsInArrivalOrder() throws Exception {
        FakePacer pacer = new FakePacer(false);        // time stands still: every request reserves a slot
        InMemoryDisk disk = new InMemoryDisk("d1", 1 << 20, 4096)
                .withFilter("throttle", throttle(pacer, Map.of("iops", "1000", "burst", "0")));
        int threads = 8;
        int each = 250;
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        try (DiskHandle handle = disk.open("test")) {
            for (int t = 0; t < threads; t++) {
                Thread worker = new Thread(() -> {
                    ByteBuffer buffer = ByteBuffer.allocate(4096);
                    try {
                        start.await();
                        for (int i = 0; i < each; i++) {
                            handle.read(0, buffer.clear());
                        }
                    } catch (Exception e) {
                        failures.add(e);
                    }
                });
                workers.add(worker);
                worker.start();
            }
            start.countDown();
            for (Thread worker : workers) {
                worker.join();
            }
        }
        assertTrue(failures.isEmpty(), failures.toString());
        // 2000 requests, one at t=0 and 1999 waiting for slots 1 ms .. 1999 ms: none lost, none shared.
        TreeSet<Long> slots = new TreeSet<>(pacer.waits);
        assertEquals(threads * each - 1, slots.size());
        assertEquals(1_000_000L, slots.first());
        assertEquals(1_999_000_000L, slots.last());
    }

    @Test
    void anInterruptedWaitFailsTheRequestAndKeepsTheInterrupt() throws Exception {
        Pacer interrupted = new Pacer() {
            @Override
            public long nanoTime() {
                return 0;
            }

            @Override
            public void awaitUntil(long deadline) throws InterruptedException {
                throw new InterruptedException();
            }
        };
        IoFilter filter = new ThrottleFilterFactory(interrupted)
                .create(TestFilterContext.of("d1", 1 << 20, 4096, Map.of("iops", "1", "burst", "0"), Path.of(".")));
        InMemoryDisk disk = new InMemoryDisk("d1", 1 << 20, 4096).withFilter("throttle", filter);
        try (DiskHandle handle = disk.open("test")) {
            handle.read(0, ByteBuffer.allocate(4096));
            IoException e = assertThrows(IoException.class, () -> handle.read(0, ByteBuffer.allocate(4096)));
            assertTrue(e.getMessage().startsWith("disk d1: interrupted while the throttle held a READ"), e.getMessage());
            assertTrue(Thread.interrupted());
        }
        assertEquals(1, disk.count(io.vstack.api.io.IoOp.READ));
    }

    @Test
    void refusesBadConfigurationNamingTheKey() {
        record Case(Map<String, String> config, String message) {
        }
        for (Case c : List.of(
                new Case(Map.of(), "throttle: needs iops=<ops per second> or bandwidth=<bytes per second>, or both"),
                new Case(Map.of("iops", "fast"), "throttle: iops 'fast' must be a positive whole number of operations per second"),
                new Case(Map.of("iops", "0"), "throttle: iops '0' must be a positive whole number of operations per second"),
                new Case(Map.of("bandwidth", "50Q"), "throttle: bandwidth '50Q' must be bytes per second like 50M"),
                new Case(Map.of("iops", "5", "burst", "soon"), "throttle: burst 'soon' must be a duration like 10ms"),
                new Case(Map.of("iops", "5", "rate", "1"), "throttle: unknown config key rate; known keys: bandwidth, burst, iops"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThrottleConfig.parse(c.config()));
            assertEquals(c.message(), e.getMessage());
        }
        assertEquals(new ThrottleConfig(2000, 50L << 20, ThrottleConfig.DEFAULT_BURST),
                ThrottleConfig.parse(Map.of("iops", "2000", "bandwidth", "50M")));
    }
}
