package io.vstack.migration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.migration.MigrationParams;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** QEMU's convergence rules on a fake clock (nanoseconds we choose). */
class ConvergenceControllerTest {

    private static final long MS = 1_000_000L;

    @Test
    void thresholdIsBandwidthTimesDowntimeLimitOnceAWindowCloses() {
        ConvergenceController cc = new ConvergenceController(MigrationParams.defaults(), 0);
        assertEquals(0, cc.thresholdBytes(), "no threshold before the first window");
        cc.busy(50 * MS);
        cc.update(50 * MS, 50_000_000);
        assertEquals(0, cc.thresholdBytes(), "a window is at least 100 ms");
        cc.busy(50 * MS);
        cc.busy(100 * MS);
        cc.update(100 * MS, 100_000_000); // 1 GB/s
        assertEquals(1_000_000_000L, cc.bandwidthBytesPerSecond());
        assertEquals(20_000_000L, cc.thresholdBytes(), "1 GB/s × 20 ms");
        cc.busy(200 * MS);
        cc.update(300 * MS, 200_000_000); // 100 MB in 200 ms = 500 MB/s
        assertEquals(500_000_000L, cc.bandwidthBytesPerSecond());
        assertEquals(10_000_000L, cc.thresholdBytes());
    }

    @Test
    void onlyTheTimeSpentSendingCountsAndAnIdleWindowKeepsTheLastFigure() {
        ConvergenceController cc = new ConvergenceController(MigrationParams.defaults(), 0);
        cc.busy(100 * MS);
        cc.update(100 * MS, 100_000_000);
        assertEquals(1_000_000_000L, cc.bandwidthBytesPerSecond());
        cc.busy(MS / 10); // 9 pages sent in 100 us, then idle: nothing dirty to send
        cc.update(200 * MS, 100_036_864);
        assertEquals(1_000_000_000L, cc.bandwidthBytesPerSecond(), "an idle window keeps the last figure");
        assertEquals(20_000_000L, cc.thresholdBytes());
        cc.busy(50 * MS); // 10 MB in 50 ms of sending, 50 ms idle
        cc.update(300 * MS, 110_036_864);
        assertEquals(200_000_000L, cc.bandwidthBytesPerSecond(), "bytes over the time spent sending, not the window");
    }

    @Test
    void availSwitchoverBandwidthOverridesTheMeasuredOne() {
        MigrationParams p = new MigrationParams(MigrationParams.defaults().mode(), Duration.ofMillis(300), 0, 100_000_000L, 0,
                false, 50, 20, 10, 99, 0, true);
        ConvergenceController cc = new ConvergenceController(p, 0);
        cc.busy(100 * MS);
        cc.update(100 * MS, 1_000_000_000);
        assertEquals(30_000_000L, cc.thresholdBytes(), "100 MB/s × 300 ms");
    }

    @Test
    void theExactSyncHappensOnlyWhenTheEstimateIsAtOrBelowTheThreshold() {
        ConvergenceController cc = new ConvergenceController(MigrationParams.defaults().withAutoConverge(false), 0);
        cc.busy(100 * MS);
        cc.update(100 * MS, 100_000_000);
        assertFalse(cc.shouldSync(100 * MS, 20_000_001));
        assertTrue(cc.shouldSync(100 * MS, 20_000_000));
        assertTrue(cc.shouldComplete(19_999_999));
        assertFalse(cc.shouldComplete(20_000_000), "strictly below the threshold, as QEMU");
        assertTrue(cc.shouldComplete(0));
        assertFalse(cc.shouldSync(10_000 * MS, 50_000_000), "no forced sync without auto-converge");
    }

    @Test
    void belowTheThresholdTheRunGoesOnWhileSyncsShrinkThePendingSet() {
        ConvergenceController cc = new ConvergenceController(MigrationParams.defaults().withAutoConverge(false), 0);
        cc.busy(100 * MS);
        cc.update(100 * MS, 100_000_000); // 1 GB/s: threshold 20 MB, goal 1 MB
        assertEquals(1_000_000, cc.goalBytes());
        assertFalse(cc.shouldSwitchOver(30_000_000), "above the threshold");
        assertFalse(cc.shouldSwitchOver(15_000_000), "below the threshold but above the goal: go on");
        assertFalse(cc.shouldSync(100 * MS, 10_000_000), "next sync only at the goal");
        assertTrue(cc.shouldSync(100 * MS, 1_000_000));
        assertFalse(cc.shouldSwitchOver(9_000_000), "still shrinking");
        assertTrue(cc.shouldSwitchOver(9_500_000), "no longer shrinking: switch over within the limit");
    }

    @Test
    void theGoalSwitchesOverAtOnceAndTighteningIsBounded() {
        ConvergenceController cc = new ConvergenceController(MigrationParams.defaults().withAutoConverge(false), 0);
        cc.busy(100 * MS);
        cc.update(100 * MS, 100_000_000);
        assertTrue(cc.shouldSwitchOver(1_000_000), "at the goal");
        ConvergenceController slow = new ConvergenceController(MigrationParams.defaults().withAutoConverge(false), 0);
        slow.busy(100 * MS);
        slow.update(100 * MS, 100_000_000);
        long pending = 19_000_000;
        for (int i = 0; i < ConvergenceController.MAX_TIGHTENING_SYNCS; i++) {
            assertFalse(slow.shouldSwitchOver(pending), "sync " + i);
            pending -= 100_000;
        }
        assertTrue(slow.shouldSwitchOver(pending), "after " + ConvergenceController.MAX_TIGHTENING_SYNCS + " syncs below the threshold");
        assertFalse(slow.shouldSwitchOver(25_000_000), "back above the threshold: the count starts again");
        assertFalse(slow.shouldSwitchOver(19_000_000));
    }

    @Test
    void autoConvergeForcesASyncEveryFiveSeconds() {
        ConvergenceController cc = new ConvergenceController(MigrationParams.defaults(), 0);
        cc.busy(100 * MS);
        cc.update(100 * MS, 100_000_000);
        assertFalse(cc.shouldSync(4_999 * MS, 50_000_000));
        assertTrue(cc.shouldSync(5_000 * MS, 50_000_000));
        cc.onSync(5_000 * MS, 10, 200_000_000);
        assertFalse(cc.shouldSync(9_999 * MS, 50_000_000));
    }

    @Test
    void expectedDowntimeIsDirtyBytesOfTheLastSyncOverBandwidth() {
        ConvergenceController cc = new ConvergenceController(MigrationParams.defaults(), 0);
        assertEquals(-1, cc.expectedDowntimeNanos());
        cc.onSync(10 * MS, 2_500, 0); // 10 240 000 bytes dirty
        cc.busy(100 * MS);
        cc.update(100 * MS, 102_400_000); // 1.024 GB/s
        assertEquals(10 * MS, cc.expectedDowntimeNanos());
    }

    @Test
    void autoConvergeThrottlesAtTheSecondHighPeriodThenStepsUpToTheCap() {
        MigrationParams p = new MigrationParams(MigrationParams.defaults().mode(), Duration.ofMillis(20), 0, 0, 0, true,
                50, 20, 10, 45, 0, true);
        ConvergenceController cc = new ConvergenceController(p, 0);
        long sent = 0;
        long t = 0;
        int[] expected = {0, 20, 20, 30, 30, 40, 40, 45, 45, 45};
        for (int period = 0; period < expected.length; period++) {
            t += 1_000 * MS;
            sent += 100_000_000; // 100 MB sent per period
            // 60 MB dirtied per period: more than 50 % of what was sent
            assertEquals(expected[period], cc.onSync(t, 60_000_000 / 4096 + 1, sent), "period " + period);
        }
    }

    @Test
    void aCalmPeriodDoesNotThrottleAndShortPeriodsAreNotJudged() {
        ConvergenceController cc = new ConvergenceController(MigrationParams.defaults(), 0);
        assertEquals(0, cc.onSync(1_000 * MS, 30_000_000 / 4096, 100_000_000), "30 % dirtied: calm");
        assertEquals(0, cc.onSync(1_500 * MS, 1_000_000, 100_000_000), "a 500 ms period is not over yet");
        assertEquals(0, cc.onSync(2_000 * MS, 1_000_000, 200_000_000), "first high period: a strike only");
        assertEquals(20, cc.onSync(3_000 * MS, 1_000_000, 300_000_000), "second high period: cpu-throttle-initial");
        MigrationParams off = MigrationParams.defaults().withAutoConverge(false);
        ConvergenceController noAc = new ConvergenceController(off, 0);
        for (int i = 1; i <= 5; i++) {
            assertEquals(0, noAc.onSync(i * 1_000 * MS, 1_000_000, i * 1_000L));
        }
    }
}
