package io.vstack.migration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        assertEquals(50 * MS, limit.account(100, 200 * MS));
    }

    @Test
    void aSendBeyondTheBudgetWaitsOnlyForItsWindowsEnd() {
        WindowRateLimit limit = new WindowRateLimit(10_000, 0);
        assertEquals(90 * MS, limit.account(5_000, 10 * MS));
        assertEquals(0, limit.account(0, 100 * MS));
        assertEquals(0, limit.account(999, 100 * MS), "the excess is not carried into the next window");
    }

    @Test
    void refusesARateOfZeroOrLess() {
        assertThrows(IllegalArgumentException.class, () -> new WindowRateLimit(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new WindowRateLimit(-1, 0));
    }
}
