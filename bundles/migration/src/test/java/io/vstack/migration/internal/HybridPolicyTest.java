package io.vstack.migration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HybridPolicyTest {

    @Test
    void switchesAfterTwoSyncsInARowWhereDirtyingKeepsUpWithSending() {
        HybridPolicy p = new HybridPolicy();
        assertFalse(p.onSync(1000, 4096, 1000), "first pass: dirtied a quarter of what was sent");
        assertFalse(p.onSync(950, 1000, 950), "95% dirtied: one strike");
        assertTrue(p.onSync(940, 950, 940), "second strike in a row");
        assertEquals("not converging: 940 pages dirtied vs 950 sent, 940 pending (2 syncs in a row)", p.reason());
    }

    @Test
    void aConvergingSyncResetsTheStrikes() {
        HybridPolicy p = new HybridPolicy();
        assertFalse(p.onSync(3000, 3200, 3000));
        assertFalse(p.onSync(1000, 3000, 1000), "dirtying fell under 90% and pending fell");
        assertFalse(p.onSync(950, 1000, 950));
        assertTrue(p.onSync(960, 950, 960), "pending rose: second strike");
    }

    @Test
    void pendingThatStopsFallingCountsEvenWithALowDirtyShare() {
        HybridPolicy p = new HybridPolicy();
        assertFalse(p.onSync(100, 1000, 500));
        assertFalse(p.onSync(100, 1000, 500));
        assertTrue(p.onSync(100, 1000, 600));
    }
}
