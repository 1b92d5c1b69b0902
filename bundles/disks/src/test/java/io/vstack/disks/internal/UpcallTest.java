package io.vstack.disks.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.Upcall;
import io.vstack.api.io.IoException;
import io.vstack.api.io.UpcallFailedException;
import io.vstack.api.io.UpcallTimeoutException;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.StorageBackend;
import io.vstack.disks.internal.TestSupport.Factory;
import io.vstack.disks.internal.TestSupport.MemoryBackend;
import io.vstack.disks.internal.TestSupport.Recording;
import io.vstack.support.UpcallGate;
import io.vstack.support.UpcallSettings;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Upcalls: a filter's user function runs on the filter's own bounded executor off the I/O path;
 * the I/O thread waits with a deadline; a hung, throwing or aborted upcall completes the I/O
 * with a named error (or bypasses the filter, per attachment), never a hang; other disks are
 * unaffected; no upcall thread outlives an abort.
 */
class UpcallTest extends DiskServiceFixture {

    private static final int BLOCK = 4096;
    private final MemoryBackend backend = new MemoryBackend(1);
    /** Released at the end of each test: what a hung user function waits for (interruptibly). */
    private final CountDownLatch never = new CountDownLatch(1);
    private final List<Map<String, String>> configsSeen = new CopyOnWriteArrayList<>();

    @Override
    Map<String, StorageBackend> backends() {
        return Map.of("local", backend);
    }

    @AfterEach
    void releaseHungFunctions() {
        never.countDown();
    }

    /** A filter that runs {@code function(context)} as an upcall for every request, then passes it on. */
    private Factory upcallFilter(String name, Function<FilterContext, Upcall<Object>> function) {
        return new Factory(name, FilterClass.INSPECTION, 10, context -> {
            configsSeen.add(context.config());
            Upcall<Object> upcall = function.apply(context);
            return (IoFilter) (request, next) -> {
                context.upcalls().call(request, upcall);
                next.proceed(request);
            };
        });
    }

    private Upcall<Object> hang() {
        return () -> {
            never.await();
            return null;
        };
    }

    private void create(String disk) throws Exception {
        service.create(DiskSpec.of(disk, 1 << 20, BackendType.LOCAL, "esx1"));
    }

    private static void read(DiskHandle h) throws IoException {
        h.read(0, ByteBuffer.allocate(BLOCK));
    }

    @Test
    void aHungUpcallFailsTheRequestByNameAtItsDeadlineWhileAnotherDiskWithTheSameFilterGoesOn() throws Exception {
        // The user function hangs for disk d1 only: d2's upcalls run on d2's own executor.
        service.factoryAdded(upcallFilter("policy", c -> c.diskId().equals("d1") ? hang() : () -> "ok"));
        create("d1");
        create("d2");
        service.attach("d1", "policy", Map.of("upcallTimeout", "200ms", "upcallThreads", "1"));
        service.attach("d2", "policy", Map.of("upcallTimeout", "200ms", "upcallThreads", "1"));
        try (DiskHandle d1 = service.disk("d1").orElseThrow().open("t");
             DiskHandle d2 = service.disk("d2").orElseThrow().open("t")) {
            List<Future<?>> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                held.add(pool.submit(() -> {
                    read(d1);
                    return null;
                }));
            }
            for (int i = 0; i < 20; i++) {
                d2.write(0, ByteBuffer.allocate(BLOCK));
                read(d2);
            }
            for (Future<?> f : held) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
                assertInstanceOf(UpcallTimeoutException.class, e.getCause());
                assertOneLine("disk d1: filter policy's upcall gave no result within upcallTimeout 200ms; the READ at offset 0 "
                        + "failed", (Exception) e.getCause());
            }
        }
        assertTrue(reportOf("d1").lastError().contains("upcallTimeout"), reportOf("d1").lastError());
        assertEquals(null, reportOf("d2").lastError());
        assertEquals(Map.of(), configsSeen.get(0), "the framework's upcall keys are not given to the filter");
    }

    @Test
    void aThrowingUpcallAndAnErrorInUserCodeFailOnlyTheirRequestNamingTheCause() throws Exception {
        AtomicReference<Throwable> toThrow = new AtomicReference<>(new IllegalStateException("policy daemon said no"));
        service.factoryAdded(upcallFilter("policy", c -> () -> {
            Throwable t = toThrow.get();
            if (t instanceof Error error) {
                throw error;
            }
            throw (Exception) t;
        }));
        create("d1");
        service.attach("d1", "policy", Map.of());
        try (DiskHandle h = service.disk("d1").orElseThrow().open("t")) {
            UpcallFailedException e = assertThrows(UpcallFailedException.class, () -> read(h));
            assertFalse(e instanceof UpcallTimeoutException);
            assertOneLine("filter policy's upcall failed: java.lang.IllegalStateException: policy daemon said no", e);
            toThrow.set(new OutOfMemoryError("simulated in user code"));
            e = assertThrows(UpcallFailedException.class, () -> read(h));
            assertInstanceOf(OutOfMemoryError.class, e.getCause());
        }
    }

    @Test
    void withBypassAFailedUpcallPassesTheRequestOnBelowTheFilter() throws Exception {
        List<String> trace = new CopyOnWriteArrayList<>();
        service.factoryAdded(upcallFilter("policy", c -> () -> {
            throw new IllegalStateException("down");
        }));
        service.factoryAdded(new Factory("below", FilterClass.CACHE, 0, c -> new Recording("below", trace)));
        create("d1");
        service.attach("d1", "policy", Map.of("onUpcallFailure", "bypass"));
        service.attach("d1", "below", Map.of());
        try (DiskHandle h = service.disk("d1").orElseThrow().open("t")) {
            ByteBuffer data = ByteBuffer.allocate(BLOCK).putInt(0, 0xC0FFEE);
            h.write(0, data);
            ByteBuffer back = ByteBuffer.allocate(BLOCK);
            h.read(0, back);
            assertEquals(0xC0FFEE, back.getInt(0));
        }
        assertEquals(List.of("below", "below"), trace);
        assertTrue(reportOf("d1").lastError().contains("upcall failed"));
    }

    @Test
    void aFullUpcallQueueFailsTheRequestAtOnce() throws Exception {
        service.factoryAdded(upcallFilter("policy", c -> hang()));
        create("d1");
        service.attach("d1", "policy", Map.of("upcallThreads", "1", "upcallQueue", "1", "upcallTimeout", "1s"));
        UpcallGate gate = gate("d1", "policy");
        try (DiskHandle h = service.disk("d1").orElseThrow().open("t")) {
            List<Future<?>> held = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                held.add(pool.submit(() -> {
                    read(h);
                    return null;
                }));
                int expected = i + 1;
                waitUntil(() -> gate.pending() == expected);
            }
            UpcallFailedException e = assertThrows(UpcallFailedException.class, () -> read(h));
            assertOneLine("filter policy's upcall queue is full (1 waiting, upcallQueue)", e);
            for (Future<?> f : held) {
                ExecutionException failed = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
                assertInstanceOf(UpcallTimeoutException.class, failed.getCause(), "the running and the queued upcall time out");
            }
        }
    }

    @Test
    void badUpcallKeysAreRefusedAtAttachNamingTheKey() throws Exception {
        service.factoryAdded(upcallFilter("policy", c -> () -> null));
        create("d1");
        for (Object[] bad : new Object[][] {
            {"upcallThreads", "0", "upcallThreads must be from 1 to 64, not 0"},
            {"upcallQueue", "lots", "upcallQueue must be a number from 1 to 65536, not 'lots'"},
            {"upcallTimeout", "40s", "upcallTimeout 40s must not exceed filterTimeout 30s"},
            {"onUpcallFailure", "ignore", "onUpcallFailure must be fail or bypass, not 'ignore'"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> service.attach("d1", "policy", Map.of((String) bad[0], (String) bad[1])));
            assertOneLine("filter policy: " + bad[2], e);
        }
        assertTrue(service.disk("d1").orElseThrow().info().filters().isEmpty());
    }

    /**
     * The test: a hung upcall with 1,000 requests pending, then the filter's bundle goes
     * away: every request completes with a named error at once (well before the 30 s deadline),
     * and no upcall or I/O thread is left.
     */
    @Test
    void aThousandRequestsPendingOnAHungUpcallAllFailWhenTheFilterBundleGoesAndNoThreadIsLeft() throws Exception {
        Factory factory = upcallFilter("hang", c -> hang());
        service.factoryAdded(factory);
        create("d1");
        service.attach("d1", "hang", Map.of());
        UpcallGate gate = gate("d1", "hang");
        int requests = 1000;
        ConcurrentLinkedQueue<Throwable> outcomes = new ConcurrentLinkedQueue<>();
        List<Thread> issuers = new ArrayList<>();
        try (DiskHandle h = service.disk("d1").orElseThrow().open("t")) {
            for (int i = 0; i < requests; i++) {
                long offset = (long) (i % 256) * BLOCK;
                Thread t = new Thread(null, () -> {
                    try {
                        h.read(offset, ByteBuffer.allocate(BLOCK));
                        outcomes.add(new AssertionError("completed"));
                    } catch (Throwable e) {
                        outcomes.add(e);
                    }
                }, "issuer-" + i, 256 * 1024);
                issuers.add(t);
                t.start();
            }
            waitUntil(() -> gate.pending() == requests);
            assertEquals(UpcallSettings.DEFAULT_THREADS, upcallThreads("d1-hang"), "the executor is bounded");
            long start = System.nanoTime();
            service.factoryRemoved(factory); // the bundle stops: its factory goes
            for (Thread t : issuers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(requests, outcomes.size());
            for (Throwable outcome : outcomes) {
                assertInstanceOf(UpcallFailedException.class, outcome);
                assertTrue(outcome.getMessage().contains("filter hang's upcalls are aborted (filter hang's bundle went away)"),
                        outcome.getMessage());
            }
            assertTrue(millis < 20_000, "every request failed at the abort, not at the 30 s deadline: " + millis + " ms");
        }
        assertTrue(issuers.stream().noneMatch(Thread::isAlive));
        waitUntil(() -> upcallThreads("d1-hang") == 0);
        assertEquals(0, gate.threads());
        assertEquals(0, gate.pending());
    }

    private UpcallGate gate(String disk, String filter) {
        return service.runtime(disk).stages().stream().filter(s -> s.name.equals(filter)).findFirst().orElseThrow().upcalls;
    }

    private DiskAdmin.FilterReport reportOf(String disk) {
        return service.filterReports().stream().filter(r -> r.disk().equals(disk)).findFirst().orElseThrow();
    }

    /** Live threads of the upcall executor {@code vstack-upcall-<disk>-<filter>-*}. */
    private static long upcallThreads(String diskAndFilter) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("vstack-upcall-" + diskAndFilter + "-")).count();
    }
}
