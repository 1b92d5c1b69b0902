package io.vstack.cache.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrequencySketchTest {

    @Test
    void countsSaturatesAtFifteenAndHalves() {
        FrequencySketch sketch = new FrequencySketch(1000, 8);
        long hash = Hashing.mix(42);
        assertEquals(0, sketch.frequency(hash));
        for (int i = 0; i < 5; i++) {
            assertTrue(sketch.increment(hash));
        }
        assertEquals(5, sketch.frequency(hash));
        for (int i = 0; i < 20; i++) {
            sketch.increment(hash);
        }
        assertEquals(15, sketch.frequency(hash));
        assertFalse(sketch.increment(hash), "a saturated key changes nothing");
        sketch.halve();
        assertEquals(7, sketch.frequency(hash));
        sketch.halve();
        sketch.halve();
        sketch.halve();
        assertEquals(0, sketch.frequency(hash));
    }

    @Test
    void frequentKeysStandAboveOnceSeenKeysDespiteCollisions() {
        int keys = 1000;
        FrequencySketch sketch = new FrequencySketch(keys, 8);
        for (long key = 0; key < 10L * keys; key++) {
            sketch.increment(Hashing.mix(1_000_000 + key));   // 10,000 keys seen once
        }
        for (int round = 0; round < 8; round++) {
            for (long key = 0; key < 100; key++) {
                sketch.increment(Hashing.mix(key));           // 100 keys seen 8 times
            }
        }
        int frequentBelowSix = 0;
        for (long key = 0; key < 100; key++) {
            if (sketch.frequency(Hashing.mix(key)) < 6) {
                frequentBelowSix++;
            }
        }
        int onceAboveFour = 0;
        for (long key = 0; key < 10L * keys; key++) {
            if (sketch.frequency(Hashing.mix(1_000_000 + key)) > 4) {
                onceAboveFour++;
            }
        }
        assertEquals(0, frequentBelowSix, "a count-min estimate never falls below the true count (8)");
        assertTrue(onceAboveFour < keys / 10, onceAboveFour + " once-seen keys estimated above 4");
    }

    @Test
    void sizeIsRoundedUpToWholeCacheLineBlocks() {
        assertEquals(64, new FrequencySketch(1, 8).bytes());
        assertEquals(8L * 1000 * 8 / 16 + 32, new FrequencySketch(1000, 8).bytes());
    }
}
