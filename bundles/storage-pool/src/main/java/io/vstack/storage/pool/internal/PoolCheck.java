package io.vstack.storage.pool.internal;

import io.vstack.storage.pool.internal.PoolState.StoreMap;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code disk:pool-check} finds in a pool's committed metadata, fsck-style.
 *
 * @param pool        the pool's name
 * @param blocks      its blocks
 * @param owned       blocks some disk maps
 * @param doubles     one line per block owned by more than one disk block ({@code block 7: a#0, b#3})
 * @param leaked      blocks marked used that no disk owns
 * @param unmarked    blocks a disk owns that are marked free
 * @param beyondClean blocks a disk owns at or above the clean boundary (could read another's bytes)
 * @param anomalies   log records that named no such store or block
 * @param repaired    whether leaked and unmarked blocks were repaired
 */
public record PoolCheck(String pool, long blocks, long owned, List<String> doubles, List<Long> leaked, List<Long> unmarked,
                 List<Long> beyondClean, List<String> anomalies, boolean repaired) {

    /** Checks {@code state}. */
    static PoolCheck of(String pool, PoolState state) {
        BitSet seen = new BitSet();
        BitSet twice = new BitSet();
        List<Long> beyond = new ArrayList<>();
        List<String> anomalies = new ArrayList<>(state.anomalies);
        for (StoreMap s : state.stores.values()) {
            for (int v = 0; v < s.blocks.length; v++) {
                long p = s.blocks[v];
                if (p == PoolState.UNMAPPED) {
                    continue;
                }
                if (!state.inRange(p)) {
                    anomalies.add("store " + s.id + " block " + v + " maps to pool block " + p + ", beyond the pool");
                    continue;
                }
                if (seen.get((int) p)) {
                    twice.set((int) p);
                }
                seen.set((int) p);
                if (p >= state.clean) {
                    beyond.add(p);
                }
            }
        }
        List<String> doubles = new ArrayList<>();
        if (!twice.isEmpty()) {
            Map<Long, List<String>> owners = new HashMap<>();
            for (StoreMap s : state.stores.values()) {
                for (int v = 0; v < s.blocks.length; v++) {
                    if (s.blocks[v] != PoolState.UNMAPPED && state.inRange(s.blocks[v]) && twice.get((int) s.blocks[v])) {
                        owners.computeIfAbsent(s.blocks[v], k -> new ArrayList<>()).add(s.id + "#" + v);
                    }
                }
            }
            owners.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> doubles.add("block " + e.getKey() + ": " + String.join(", ", e.getValue())));
        }
        BitSet leaked = (BitSet) state.used.clone();
        leaked.andNot(seen);
        BitSet unmarked = (BitSet) seen.clone();
        unmarked.andNot(state.used);
        return new PoolCheck(pool, state.blocks, seen.cardinality(), doubles, toList(leaked), toList(unmarked), beyond,
                anomalies, false);
    }

    private static List<Long> toList(BitSet bits) {
        List<Long> list = new ArrayList<>();
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            list.add((long) i);
        }
        return list;
    }

    /** This finding, marked as repaired. */
    PoolCheck asRepaired() {
        return new PoolCheck(pool, blocks, owned, doubles, leaked, unmarked, beyondClean, anomalies, true);
    }

    /** Whether nothing is wrong. */
    public boolean clean() {
        return doubles.isEmpty() && leaked.isEmpty() && unmarked.isEmpty() && beyondClean.isEmpty() && anomalies.isEmpty();
    }
}
