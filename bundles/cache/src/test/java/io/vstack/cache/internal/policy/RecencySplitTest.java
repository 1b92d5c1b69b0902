package io.vstack.cache.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecencySplitTest {

    private static int keysFollowing(RecencySplit split, int keys) {
        int following = 0;
        for (long key = 0; key < keys; key++) {
            if (split.follows(Hashing.mix(key))) {
                following++;
            }
        }
        return following;
    }

    @Test
    void everyKeyFollowsTheFrequencyRulesUntilTheShareClimbs() {
        RecencySplit split = new RecencySplit(1000);
        assertEquals(0, split.share());
        assertEquals(0, keysFollowing(split, 100_000));
        split.climb(1000, 500);
        assertEquals(0, split.share(), "no sample period has passed");
        split.climb(RecencySplit.SAMPLE_PER_SLOT * 1000L, 500);
        assertEquals(0, split.share(), "the first sample only sets the reference hit rate");
    }

    @Test
    void aRisingHitRateMovesAnEighthOfTheKeysToTheRecencyRules() {
        RecencySplit split = new RecencySplit(1000);
        long period = RecencySplit.SAMPLE_PER_SLOT * 1000L;
        split.climb(period, period / 2);                       // hit rate 50%
        split.climb(2 * period, period / 2 + period / 4);      // 75%
        assertEquals(128, split.share());
        int following = keysFollowing(split, 100_000);
        assertTrue(following > 12_000 && following < 13_000, following + " of 100,000 keys");
    }
}
