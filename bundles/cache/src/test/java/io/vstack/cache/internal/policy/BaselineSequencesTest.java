package io.vstack.cache.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vstack.api.cache.EvictionPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Small sequences worked out by hand from each paper's rules. */
class BaselineSequencesTest {

    /** Replays keys (lookup, admit on a miss) and returns the evicted keys in order. */
    private static List<Long> evictions(PolicyMaker maker, int capacity, long... keys) {
        List<Long> evicted = new ArrayList<>();
        EvictionPolicy policy = maker.make(capacity, (key, slot) -> evicted.add(key));
        for (long key : keys) {
            if (policy.lookup(key) < 0) {
                policy.admit(key);
            }
        }
        return evicted;
    }

    private interface PolicyMaker {
        EvictionPolicy make(int capacity, io.vstack.api.cache.EvictionListener listener);
    }

    @Test
    void lruEvictsTheLeastRecentlyUsed() {
        // 1 2 3, touch 1, then 4 evicts 2, 5 evicts 3, 2 evicts 1.
        assertEquals(List.of(2L, 3L, 1L), evictions(LruPolicy::new, 3, 1, 2, 3, 1, 4, 5, 2));
    }

    @Test
    void twoQueueKeepsFirstReferencesInAFifoAndPromotesFromTheGhostQueue() {
        // capacity 4: Kin = 1, Kout = 2. 1 2 3 4 fill A1in. 5: A1in (4) > Kin, page out 1 -> A1out.
        // 1 again: in A1out -> reclaim: page out 2 -> A1out (A1out = 1?,2: 1 left it) -> 1 goes to Am.
        // 6: A1in = {3,4,5} > 1: page out 3 -> A1out {2,3}. 7: page out 4 -> A1out {3,4} (2 dropped).
        // 8: page out 5. 9: page out 6. Am = {1} is never touched while A1in exceeds Kin.
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), evictions(TwoQueuePolicy::new, 4, 1, 2, 3, 4, 5, 1, 6, 7, 8, 9));
    }

    @Test
    void twoQueueIgnoresHitsInA1in() {
        // capacity 4, Kin 1: hits on 1 while it sits in A1in do not save it.
        assertEquals(List.of(1L), evictions(TwoQueuePolicy::new, 4, 1, 2, 1, 3, 1, 4, 5));
    }

    @Test
    void arcMovesRepeatedKeysToT2AndGhostHitsAdaptP() {
        // c = 2. 1 2 fill T1. 1 hit -> T2 = {1}, T1 = {2}. 3: case IV-B (total 2 >= c): REPLACE with p = 0:
        // |T1| = 1 > p -> 2 goes to B1. T1 = {3}. 2 again: B1 hit -> p = 1, REPLACE: |T1| = 1 = p, not > p
        // and 2 is not in B2 -> evict LRU of T2 (1) to B2. T2 = {2}, T1 = {3}.
        // 1 again: B2 hit -> p = 0, REPLACE: |T1| = 1 > 0 -> 3 to B1. T2 = {2, 1}.
        assertEquals(List.of(2L, 1L, 3L), evictions(ArcPolicy::new, 2, 1, 2, 1, 3, 2, 1));
    }

    @Test
    void arcResistsAScanOfOnceUsedKeys() {
        // c = 4: 1 and 2 are used twice (T2); a scan 10..19 churns T1 only.
        List<Long> evicted = evictions(ArcPolicy::new, 4, 1, 2, 1, 2, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
        assertEquals(List.of(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L), evicted);
    }

    @Test
    void s3fifoMovesTwiceHitSmallKeysToMainAndGhostHitsStraightToMain() {
        // c = 10: small 1, main 9. 0..9 fill small (all new keys go there). 0 is hit twice.
        // 10: small (10) >= 1: evict from small: 0 has freq 2 > 1 -> moves to main; 1 -> ghost (evicted).
        // 11: small 2..10 -> 2 evicted. 1 again: ghost hit -> needs a slot: small (3..11) -> 3 evicted; 1 -> main.
        assertEquals(List.of(1L, 2L, 3L), evictions(S3FifoPolicy::new, 10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 10, 11, 1));
    }
}
