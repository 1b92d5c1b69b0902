package io.vstack.cache.internal.sim;

import io.vstack.api.cache.EvictionListener;
import io.vstack.api.cache.EvictionPolicy;
import io.vstack.api.cache.EvictionPolicyFactory;

/** Replays a trace through a policy, as a cache would drive it: lookup, and admit on a miss. */
public final class Replay {

    private Replay() {
    }

    /** Misses of a fresh policy of {@code size} slots from {@code factory} over {@code trace}. */
    public static long misses(long[] trace, EvictionPolicyFactory factory, int size) {
        return misses(trace, factory.create(size, EvictionListener.NONE));
    }

    /** Misses of {@code policy} over {@code trace}. */
    public static long misses(long[] trace, EvictionPolicy policy) {
        long misses = 0;
        for (long key : trace) {
            if (miss(policy, key)) {
                misses++;
            }
        }
        return misses;
    }

    /** One reference: true if {@code key} missed (and was then admitted). */
    public static boolean miss(EvictionPolicy policy, long key) {
        if (policy.lookup(key) < 0) {
            policy.admit(key);
            return true;
        }
        return false;
    }
}
