package io.vstack.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadCountersTest {

    private static final int OPS = 0;
    private static final int BYTES = 1;

    @Test
    void concurrentThreadsLoseNoUpdate() throws Exception {
        ThreadCounters counters = new ThreadCounters(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                awaitQuietly(go);
                for (int i = 0; i < 100_000; i++) {
                    counters.add(OPS, BYTES, 4096);
                }
            });
            threads.add(thread);
            thread.start();
        }
        go.countDown();
        long seen = 0;
        while (threads.stream().anyMatch(Thread::isAlive)) {
            long now = counters.sum(OPS);
            assertTrue(now >= seen, "a sum never goes back while counting goes on");
            seen = now;
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(400_000, counters.sum(OPS));
        assertEquals(400_000L * 4096, counters.sum(BYTES));
    }

    @Test
    void theCountsOfEndedThreadsAreKeptWhenTheirCellsAreFolded() throws Exception {
        ThreadCounters counters = new ThreadCounters(1);
        for (int t = 0; t < 50; t++) {
            Thread thread = new Thread(() -> {
                counters.increment(0);
                counters.add(0, 9);
            });
            thread.start();
            thread.join(); // ended: the next thread's first add folds its cells
        }
        counters.increment(0);
        assertEquals(50 * 10 + 1, counters.sum(0));
    }

    @Test
    void aSetWithoutFieldsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ThreadCounters(0));
        assertEquals("a counter set needs at least one field, not 0", e.getMessage());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
