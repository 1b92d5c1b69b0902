package io.vstack.cache.internal.policy;

/**
 * The adaptive recency/frequency choice of a {@link TwoPhasePolicy}: a share of the keys, chosen
 * by bits of their hash, follows the recency rules (a ghost hit always enters hot, a key leaving
 * cold unhit does not challenge the hot victim, a key promoted from cold enters hot with hit state
 * 0); the others follow the frequency rules (the sketch filter, and a promoted key keeps one hit).
 * The share is hill-climbed on the hit rate by a {@link HillClimber} every {@value #SAMPLE_PER_SLOT}
 * accesses per slot, in units of 1/{@value #SCALE} of the keys, from 0 (all keys frequency).
 *
 * <p>Why per key and not a switch: splitting the keys turns the two behaviours into one
 * continuous setting whose hit rate changes smoothly with it, which is what hill climbing needs;
 * the recency-friendly traces (w106, orm-busy, sprite) climb it, the loops (loop, multi3) keep it
 * low (a tenth to a fifth of the keys on average). Why a climber on the real hit rate and not
 * shadow caches of sampled keys: a shadow needs every access of its keys, hits included, and the
 * lookup path may not write anything new. Why not set dueling (leader keys fixed on each rule set,
 * their misses compared): the keys share one cache, so a leader group's misses measure how its
 * rules serve its own keys against the others (a ghost hit pushing into hot wins for the pusher),
 * not how they would serve the cache; measured, the duel chose the wrong side in most cells.
 *
 * <p>Not thread-safe: the owning policy calls it under its lock (the lookup path does not use it).
 * No per-block memory: one climber and one int per policy.
 */
final class RecencySplit {

    /** The share's unit: 1/1024 of the keys (10 bits of the hash; with 1/256, loop got 28.5 %, not 26.1 %). */
    private static final int SCALE = 1024;
    /** The climber's first and restart step: 1/8 of the keys. */
    private static final double STEP = 0.125 * SCALE;
    /**
     * Accesses per slot between samples. Shorter than the cold share's so a short trace (sprite:
     * 134 × its 1,000 slots) still gets dozens of samples; 1, 2 and 3 measured, 2 best.
     */
    static final int SAMPLE_PER_SLOT = 2;

    private final HillClimber climber;
    private int share;

    /** A split for a policy of {@code capacity} slots; all keys follow the frequency rules until it climbs. */
    RecencySplit(int capacity) {
        this.climber = new HillClimber((long) SAMPLE_PER_SLOT * capacity, 0, SCALE, STEP);
    }

    /** Whether the key whose {@link Hashing#mix} is {@code hash} follows the recency rules. */
    boolean follows(long hash) {
        // Bits 40..49: not the ghost fingerprint's (low 32) and not the sketch's (it rehashes).
        return ((int) (hash >>> 40) & (SCALE - 1)) < share;
    }

    /** The share of the keys following the recency rules, in 1/{@value #SCALE}ths (for tests and diagnostics). */
    int share() {
        return share;
    }

    /** One step of hill climbing, given the access and miss counts so far (once per sample period). */
    void climb(long accesses, long misses) {
        share = climber.climb(accesses, misses, share);
    }
}
