package io.vstack.migration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WindowRateLimitTest {

    private static final long MS = 1_000_000L;

    @Test
    void aWindowSpendsATenthOfTheRateThenWaitsForItsEnd() {
        WindowRateLimit limit = new WindowRateLimit(10_000, 0);
        assertEquals(0, limit.account(600, 10 * MS));
        assertEquals(60 * MS, limit.account(400, 40 * MS));
        assertEquals(30 * MS, limit.account(0, 70 * MS));
        assertEquals(0, limit.account(0, 100 * MS), "the window ended: a new one starts");
        assertEquals(0, limit.account(999, 101 * MS));
        assertEquals(99 * MS, limit.account(1, 101 * MS));
    }

    @Test
    void anUnspentWindowIsNotCarriedOver() {
        WindowRateLimit limit = new WindowRateLimit(10_000, 0);
        assertEquals(0, limit.account(900, 0));
        assertEquals(0, limit.account(900, 150 * MS), "the first window's 900 bytes do not count in the second");
        assertEquals(40 * MS, limit.account(100, 160 * MS), "the second window (100-200 ms) is spent");
    }

    @Test
    void aSendBeyondTheBudgetIsPaidForInTheNextWindows() {
        WindowRateLimit limit = new WindowRateLimit(10_000, 0);
        assertEquals(490 * MS, limit.account(5_000, 10 * MS), "five windows' budget: wait for the end of the fifth");
        assertEquals(400 * MS, limit.account(0, 100 * MS));
        assertEquals(0, limit.account(0, 500 * MS));
        assertEquals(0, limit.account(999, 500 * MS));
    }

    @Test
    void largeSendsUnderASmallCapKeepTheAverageRate() {
        long rate = 1_000_000;
        WindowRateLimit limit = new WindowRateLimit(rate, 0);
        long now = 0;
        long sent = 0;
        for (int i = 0; i < 50; i++) {
            long chunk = 4L << 20;
            sent += chunk;
            for (long wait = limit.account(chunk, now); wait > 0; wait = limit.account(0, now)) {
                now += wait;
            }
        }
        double seconds = now / 1e9;
        assertTrue(sent / seconds <= rate * 1.05, "average " + (long) (sent / seconds) + " B/s under a cap of " + rate);
        assertTrue(sent / seconds >= rate * 0.9, "average " + (long) (sent / seconds) + " B/s: the cap is not far undershot");
    }

    @Test
    void refusesARateOfZeroOrLess() {
        assertThrows(IllegalArgumentException.class, () -> new WindowRateLimit(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new WindowRateLimit(-1, 0));
    }
}
