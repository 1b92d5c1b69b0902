package io.vstack.cache.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WindowSizerTest {

    @Test
    void startsAtItsShareWithinOnePercentToEightyPercent() {
        assertEquals(10, new WindowSizer(1000, 0.01).target());
        assertEquals(10, new WindowSizer(1000, 0.001).target());
        assertEquals(800, new WindowSizer(1000, 0.9).target());
        assertEquals(1, new WindowSizer(10, 0.01).target());
    }

    @Test
    void aColdGhostHitWithinReachGrowsItOnlyOnCredit() {
        WindowSizer sizer = new WindowSizer(1000, 0.01);
        sizer.coldGhostHit(10);
        assertEquals(10, sizer.target(), "no credit yet: cold has not caught a re-reference");
        sizer.earnCredit();
        sizer.coldGhostHit(50);
        assertEquals(10 + WindowSizer.STEP, sizer.target());
        sizer.coldGhostHit(10);
        assertEquals(10 + WindowSizer.STEP, sizer.target(), "the one credit is spent");
    }

    @Test
    void aGhostHitBeyondReachSaysNothing() {
        WindowSizer sizer = new WindowSizer(1000, 0.1);
        sizer.earnCredit();
        sizer.coldGhostHit(51);
        sizer.hotGhostHit(51);
        assertEquals(100, sizer.target());
    }

    @Test
    void aHotGhostHitWithinReachShrinksItDownToOnePercent() {
        WindowSizer sizer = new WindowSizer(1000, 0.014);
        sizer.hotGhostHit(0);
        assertEquals(14 - WindowSizer.STEP, sizer.target());
        for (int i = 0; i < 10; i++) {
            sizer.hotGhostHit(50);
        }
        assertEquals(10, sizer.target());
    }

    @Test
    void growthStopsAtEightyPercentAndCreditsHeldStopAtTheCapacity() {
        WindowSizer sizer = new WindowSizer(100, 0.01);
        for (int i = 0; i < 1000; i++) {
            sizer.earnCredit();
        }
        int[] after = new int[3];
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 1000; i++) {
                sizer.coldGhostHit(1);
            }
            after[round] = sizer.target();
            for (int i = 0; i < 100; i++) {
                sizer.hotGhostHit(1);
            }
            assertEquals(1, sizer.target());
        }
        // 100 credits: 40 steps to 80 (no credit spent at 80), 40 again, then the last 20.
        assertEquals(80, after[0]);
        assertEquals(80, after[1]);
        assertEquals(1 + 20 * WindowSizer.STEP, after[2]);
    }
}
