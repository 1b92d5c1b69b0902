package io.vstack.cache.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.cache.internal.policy.ArcFactory;
import io.vstack.cache.internal.policy.LruFactory;
import io.vstack.cache.internal.policy.S3FifoFactory;
import io.vstack.cache.internal.policy.TwoPhaseFactory;
import io.vstack.cache.internal.policy.TwoQueueFactory;
import io.vstack.api.cache.EvictionPolicyFactory;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BeladyTest {

    @Test
    void handCheckedSequence() {
        // Size 3: 1 2 3 miss; 4 is used after 1 2 3 again, so it is not kept (miss); 1 2 hit; 5 likewise (miss);
        // 1 2 3 hit; 4 and 5 miss: 7.
        long[] trace = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
        assertEquals(7, Belady.misses(trace, 3));
        assertEquals(5, Belady.misses(trace, 5));
        assertEquals(12, Belady.misses(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2));
    }

    @Test
    void aLoopLargerThanTheCacheMissesOnlyWhatItMust() {
        // Loop of 4 keys, cache 3, 10 rounds: OPT keeps 0, 1, 2 for ever and never admits 3 (its next use is
        // always the farthest): 3 cold misses plus one miss of key 3 per round.
        long[] trace = new long[40];
        for (int i = 0; i < trace.length; i++) {
            trace[i] = i % 4;
        }
        long misses = Belady.misses(trace, 3);
        assertEquals(3 + 10, misses);
    }

    @Test
    void noPolicyBeatsOpt() {
        SplittableRandom random = new SplittableRandom(7);
        long[] trace = new long[50_000];
        for (int i = 0; i < trace.length; i++) {
            trace[i] = random.nextInt(3) == 0 ? random.nextInt(5000) : random.nextInt(300);
        }
        for (int size : new int[] {10, 100, 400}) {
            long opt = Belady.misses(trace, size);
            for (EvictionPolicyFactory f : List.of(new TwoPhaseFactory(), new LruFactory(), new ArcFactory(),
                    new TwoQueueFactory(), new S3FifoFactory())) {
                long misses = Replay.misses(trace, f, size);
                assertTrue(opt <= misses, f.name() + "@" + size + ": " + misses + " < OPT " + opt);
            }
        }
    }
}
