package io.vstack.cache.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.cache.EvictionListener;
import io.vstack.api.cache.EvictionPolicy;
import io.vstack.api.cache.EvictionPolicyFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The invariants every policy keeps, checked against a model of what is resident. */
class PolicyContractTest {

    static Stream<EvictionPolicyFactory> factories() {
        return Stream.of(new TwoPhaseFactory(), new LruFactory(), new ArcFactory(), new TwoQueueFactory(), new S3FifoFactory());
    }

    /** Tracks, from the policy's answers and its listener, which key owns which slot. */
    static final class Model implements EvictionListener {
        final Map<Long, Integer> slotOf = new HashMap<>();
        final Map<Integer, Long> keyOf = new HashMap<>();
        int evictions;

        @Override
        public void evicted(long key, int slot) {
            assertEquals(Integer.valueOf(slot), slotOf.remove(key), "evicted key " + key + " was in slot " + slot);
            keyOf.remove(slot);
            evictions++;
        }

        void placed(long key, int slot) {
            Long previous = keyOf.put(slot, key);
            assertTrue(previous == null || previous == key,
                    "slot " + slot + " given to " + key + " while " + previous + " holds it (listener not told)");
            slotOf.put(key, slot);
        }
    }

    @ParameterizedTest
    @MethodSource("factories")
    void randomWorkloadKeepsSlotsUniqueAndSizeWithinCapacity(EvictionPolicyFactory factory) {
        Model model = new Model();
        int capacity = 64;
        EvictionPolicy policy = factory.create(capacity, model);
        assertEquals(capacity, policy.capacity());
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            long key = random.nextInt(4) == 0 ? random.nextInt(1000) : random.nextInt(80);
            if (random.nextInt(50) == 0) {
                boolean wasResident = model.slotOf.containsKey(key);
                assertEquals(wasResident, policy.invalidate(key));
                Integer slot = model.slotOf.remove(key);
                if (slot != null) {
                    model.keyOf.remove(slot);
                }
                continue;
            }
            int slot = policy.lookup(key);
            if (slot >= 0) {
                assertEquals(model.slotOf.get(key), Integer.valueOf(slot), "hit on the key's own slot");
            } else {
                assertFalse(model.slotOf.containsKey(key), "a resident key must hit");
                slot = policy.admit(key);
                if (slot >= 0) {
                    assertTrue(slot < capacity, "slot in range");
                    model.placed(key, slot);
                    assertEquals(slot, policy.lookup(key), "lookup after admit hits");
                }
            }
            assertEquals(model.slotOf.size(), policy.size());
            assertTrue(policy.size() <= capacity);
        }
        assertTrue(model.evictions > 1000, "the workload evicts");
    }

    @ParameterizedTest
    @MethodSource("factories")
    void invalidateFreesTheSlotForTheNextAdmitWithoutEvicting(EvictionPolicyFactory factory) {
        Model model = new Model();
        EvictionPolicy policy = factory.create(8, model);
        for (long key = 0; key < 8; key++) {
            model.placed(key, policy.admit(key));
        }
        assertEquals(8, policy.size());
        int slot = model.slotOf.get(3L);
        assertTrue(policy.invalidate(3));
        assertFalse(policy.invalidate(3));
        assertEquals(7, policy.size());
        assertEquals(-1, policy.lookup(3));
        assertEquals(slot, policy.admit(100));
        assertEquals(0, model.evictions);
        assertEquals(8, policy.size());
    }

    @ParameterizedTest
    @MethodSource("factories")
    void admittingAResidentKeyReturnsItsSlot(EvictionPolicyFactory factory) {
        EvictionPolicy policy = factory.create(4, EvictionListener.NONE);
        int slot = policy.admit(7);
        assertEquals(slot, policy.admit(7));
        assertEquals(1, policy.size());
    }

    @ParameterizedTest
    @MethodSource("factories")
    void refusesANonPositiveCapacity(EvictionPolicyFactory factory) {
        assertThrows(IllegalArgumentException.class, () -> factory.create(0, EvictionListener.NONE));
    }

    @ParameterizedTest
    @MethodSource("factories")
    void aCacheOfOneSlotWorks(EvictionPolicyFactory factory) {
        Model model = new Model();
        EvictionPolicy policy = factory.create(1, model);
        for (long key = 0; key < 100; key++) {
            if (policy.lookup(key % 3) < 0) {
                int slot = policy.admit(key % 3);
                assertEquals(0, slot);
                model.placed(key % 3, slot);
            }
        }
        assertEquals(1, policy.size());
    }
}
