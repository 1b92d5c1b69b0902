package io.vstack.cache.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GhostFingerprintsTest {

    @Test
    void remembersWhereAKeyLeftFromAndHowLongAgoThenForgetsIt() {
        GhostFingerprints ghost = new GhostFingerprints(64, 1);
        long a = Hashing.mix(1);
        long b = Hashing.mix(2);
        ghost.put(a, GhostFingerprints.FROM_COLD, 100);
        ghost.put(b, GhostFingerprints.FROM_HOT, 7);
        int entry = ghost.take(a);
        assertEquals(GhostFingerprints.FROM_COLD, GhostFingerprints.from(entry));
        assertEquals(25, ghost.age(entry, 125));
        assertEquals(0, ghost.take(a), "taken once");
        entry = ghost.take(b);
        assertEquals(GhostFingerprints.FROM_HOT, GhostFingerprints.from(entry));
        assertEquals(3, ghost.age(entry, 10));
    }

    @Test
    void stampsCountInUnitsAndWrap() {
        GhostFingerprints ghost = new GhostFingerprints(64, 8);
        long a = Hashing.mix(1);
        ghost.put(a, GhostFingerprints.FROM_COLD, 32_767L * 8);
        assertEquals(16, ghost.age(ghost.take(a), 32_769L * 8 + 7), "2 units later, across the 15-bit wrap");
    }

    @Test
    void aFullBucketForgetsItsOldest() {
        GhostFingerprints ghost = new GhostFingerprints(8, 1);   // one bucket of 8 ways
        for (long key = 0; key < 9; key++) {
            ghost.put(Hashing.mix(key), GhostFingerprints.FROM_COLD, key);
        }
        assertEquals(0, ghost.take(Hashing.mix(0)));
        for (long key = 1; key < 9; key++) {
            assertEquals(key, ghost.age(ghost.take(Hashing.mix(key)), 2 * key));
        }
    }
}
