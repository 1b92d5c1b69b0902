package io.vstack.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.filter.Upcall;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import io.vstack.api.io.UpcallFailedException;
import io.vstack.api.io.UpcallTimeoutException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A filter that runs user functions as upcalls, tested on the testkit: the context's gateway is
 * the framework's (its own bounded threads, the timed wait, the named errors, bypass, abort).
 */
class UpcallsTest {

    private static final int BLOCK = 4096;

    @TempDir
    Path state;

    /** Released after each test: what a hung user function waits for (interruptibly). */
    private final CountDownLatch never = new CountDownLatch(1);
    private final List<Map<String, String>> configsSeen = new CopyOnWriteArrayList<>();
    private final List<String> upcallThreads = new CopyOnWriteArrayList<>();

    @AfterEach
    void releaseHungFunctions() {
        never.countDown();
    }

    /** Filter {@code policy}: for every request, runs {@code function(context)} as an upcall, then passes the request on. */
    private IoFilterFactory policy(Function<FilterContext, Upcall<Object>> function) {
        return new IoFilterFactory() {
            @Override
            public FilterDescriptor descriptor() {
                return new FilterDescriptor("policy", FilterClass.INSPECTION, 0, "asks a policy");
            }

            @Override
            public IoFilter create(FilterContext context) {
                configsSeen.add(context.config());
                Upcall<Object> upcall = function.apply(context);
                return (request, next) -> {
                    context.upcalls().call(request, upcall);
                    next.proceed(request);
                };
            }
        };
    }

    private Upcall<Object> hang() {
        return () -> {
            never.await();
            return null;
        };
    }

    private InMemoryDisk disk(Function<FilterContext, Upcall<Object>> function, Map<String, String> config) {
        return new InMemoryDisk("d1", 64 * BLOCK, BLOCK).withFilter(policy(function), config, state);
    }

    @Test
    void anUpcallRunsOnTheFiltersOwnThreadAndTheFrameworkKeysAreNotTheFilters() throws Exception {
        InMemoryDisk disk = disk(c -> () -> upcallThreads.add(Thread.currentThread().getName()),
                Map.of("upcallThreads", "1", "mode", "strict"));
        try (DiskHandle h = disk.open("t")) {
            h.write(0, ByteBuffer.allocate(BLOCK).putInt(0, 42));
            ByteBuffer back = ByteBuffer.allocate(BLOCK);
            h.read(0, back);
            assertEquals(42, back.getInt(0));
        }
        assertEquals(List.of("vstack-upcall-d1-policy-1", "vstack-upcall-d1-policy-1"), upcallThreads);
        assertEquals(List.of(Map.of("mode", "strict")), configsSeen);
        assertEquals(1, disk.count(IoOp.WRITE));
    }

    @Test
    void aHungUpcallFailsTheRequestByNameAtItsDeadline() throws Exception {
        InMemoryDisk disk = disk(c -> hang(), Map.of("upcallTimeout", "100ms"));
        try (DiskHandle h = disk.open("t")) {
            UpcallTimeoutException e = assertThrows(UpcallTimeoutException.class, () -> h.read(0, ByteBuffer.allocate(BLOCK)));
            assertEquals("disk d1: filter policy's upcall gave no result within upcallTimeout 100ms; the READ at offset 0 failed",
                    e.getMessage());
            assertEquals("policy", e.filter());
        }
        assertEquals(0, disk.count(IoOp.READ), "the request did not pass the filter");
    }

    @Test
    void aThrowingUpcallFailsItsRequestAndWithBypassTheRequestGoesOnBelowTheFilter() throws Exception {
        Function<FilterContext, Upcall<Object>> down = c -> () -> {
            throw new IllegalStateException("policy daemon is down");
        };
        try (DiskHandle h = disk(down, Map.of()).open("t")) {
            UpcallFailedException e = assertThrows(UpcallFailedException.class, () -> h.write(0, ByteBuffer.allocate(BLOCK)));
            assertFalse(e instanceof UpcallTimeoutException);
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertTrue(e.getMessage().startsWith("disk d1: filter policy's upcall failed: java.lang.IllegalStateException: "
                    + "policy daemon is down"), e.getMessage());
        }
        InMemoryDisk bypassing = disk(down, Map.of("onUpcallFailure", "bypass"));
        try (DiskHandle h = bypassing.open("t")) {
            h.write(0, ByteBuffer.allocate(BLOCK).putInt(0, 7));
        }
        assertEquals(1, bypassing.count(IoOp.WRITE), "the write bypassed the filter");
        assertEquals(7, bypassing.backingStore().getInt(0));
    }

    @Test
    void aFullQueueFailsAtOnce() throws Exception {
        InMemoryDisk disk = disk(c -> hang(), Map.of("upcallThreads", "1", "upcallQueue", "1"));
        List<Thread> held = new ArrayList<>();
        try (DiskHandle h = disk.open("t")) {
            for (int i = 0; i < 2; i++) {
                Thread t = new Thread(() -> {
                    try {
                        h.read(0, ByteBuffer.allocate(BLOCK));
                    } catch (Exception expected) {
                        // failed by the abort below
                    }
                }, "held-" + i);
                held.add(t);
                t.start();
                int expected = i + 1;
                await(() -> disk.pendingUpcalls("policy") == expected);
            }
            UpcallFailedException e = assertThrows(UpcallFailedException.class, () -> h.read(0, ByteBuffer.allocate(BLOCK)));
            assertTrue(e.getMessage().contains("filter policy's upcall queue is full (1 waiting, upcallQueue)"), e.getMessage());
            assertEquals(2, disk.abortUpcalls("policy"));
        }
        for (Thread t : held) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(t.isAlive());
        }
    }

    /** The case on the testkit: requests held on a hung upcall all fail at once when the filter's bundle goes. */
    @Test
    void requestsPendingOnAHungUpcallAllFailWhenTheBundleGoesAndNoUpcallThreadIsLeft() throws Exception {
        InMemoryDisk disk = disk(c -> hang(), Map.of());
        int requests = 100;
        ConcurrentLinkedQueue<Throwable> outcomes = new ConcurrentLinkedQueue<>();
        List<Thread> issuers = new ArrayList<>();
        try (DiskHandle h = disk.open("t")) {
            for (int i = 0; i < requests; i++) {
                long offset = (long) (i % 64) * BLOCK;
                Thread t = new Thread(() -> {
                    try {
                        h.read(offset, ByteBuffer.allocate(BLOCK));
                        outcomes.add(new AssertionError("completed"));
                    } catch (Throwable e) {
                        outcomes.add(e);
                    }
                }, "issuer-" + i);
                issuers.add(t);
                t.start();
            }
            await(() -> disk.pendingUpcalls("policy") == requests);
            assertEquals(2, disk.upcallThreads("policy"), "the executor is bounded (upcallThreads defaults to 2)");
            assertEquals(requests, disk.abortUpcalls("policy"));
            for (Thread t : issuers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertEquals(requests, outcomes.size());
            for (Throwable outcome : outcomes) {
                assertInstanceOf(UpcallFailedException.class, outcome);
                assertTrue(outcome.getMessage().contains("filter policy's upcalls are aborted (filter policy's bundle went away)"),
                        outcome.getMessage());
            }
            UpcallFailedException later = assertThrows(UpcallFailedException.class, () -> h.read(0, ByteBuffer.allocate(BLOCK)));
            assertTrue(later.getMessage().contains("aborted"), later.getMessage());
        }
        await(() -> disk.upcallThreads("policy") == 0);
        assertEquals(0, disk.pendingUpcalls("policy"));
    }

    @Test
    void aDetachedFiltersUpcallsFail() throws Exception {
        InMemoryDisk disk = disk(c -> () -> "ok", Map.of());
        IoFilter filter = disk.filter("policy");
        disk.detach("policy");
        IoRequest request = IoRequest.of(IoOp.READ, "d1", 0, BLOCK, ByteBuffer.allocate(BLOCK), "t");
        UpcallFailedException e = assertThrows(UpcallFailedException.class, () -> filter.submit(request, disk.storeChain()));
        assertTrue(e.getMessage().contains("filter policy was unlinked from disk d1"), e.getMessage());
    }

    @Test
    void badUpcallKeysAreRefusedNamingTheKey() {
        for (String[] bad : new String[][] {
            {"upcallThreads", "0", "filter policy: upcallThreads must be from 1 to 64, not 0"},
            {"upcallQueue", "lots", "filter policy: upcallQueue must be a number from 1 to 65536, not 'lots'"},
            {"upcallTimeout", "40s", "filter policy: upcallTimeout 40s must not exceed filterTimeout 30s"},
            {"onUpcallFailure", "ignore", "filter policy: onUpcallFailure must be fail or bypass, not 'ignore'"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> disk(c -> () -> null, Map.of(bad[0], bad[1])));
            assertTrue(e.getMessage().startsWith(bad[2]), e.getMessage());
        }
        assertEquals(List.of(), configsSeen, "no filter was created");
    }

    @Test
    void aContextMadeWithoutADiskHasAWorkingGatewayToo() throws Exception {
        TestFilterContext context = TestFilterContext.of("d1", 64 * BLOCK, BLOCK, Map.of("upcallTimeout", "5s", "x", "1"), state);
        assertEquals(Map.of("x", "1"), context.config());
        assertEquals(Duration.ofSeconds(5), context.upcalls().timeout());
        IoRequest request = IoRequest.of(IoOp.READ, "d1", 0, BLOCK, ByteBuffer.allocate(BLOCK), "t");
        assertEquals("vstack-upcall-d1-test-1", context.upcalls().call(request, () -> Thread.currentThread().getName()));
        UpcallFailedException e = assertThrows(UpcallFailedException.class, () -> context.upcalls().call(request, () -> {
            throw new IOException("no");
        }));
        assertEquals("test", e.filter());
    }

    /** Waits up to 30 s for {@code condition} (a latch-free poll: the gateway offers no event to wait on). */
    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Object monitor = new Object();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting");
            synchronized (monitor) {
                monitor.wait(5);
            }
        }
    }
}
