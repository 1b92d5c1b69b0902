package io.vstack.cache.internal.policy;

import io.vstack.api.cache.EvictionListener;
import io.vstack.api.cache.EvictionPolicy;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two-phase eviction after US 11,080,189, with a frequency filter, an adaptive cold queue and an
 * adaptive recency/frequency split.
 *
 * <p><b>The patent's mechanism.</b> A cold FIFO takes first-time keys. A key evicted from cold
 * leaves only a fingerprint in the ghost. Hot keys live in a CLOCK ring with a hit state per slot;
 * the hand evicts a hot key in two phases: a touched key has its hit state lowered (armed) and
 * survives; an armed key still untouched when the hand comes back is the victim. A hit is a store
 * of the hit state; a sequential scan churns only cold and ghost.
 *
 * <p><b>Beyond the patent</b> (each step measured on the reference traces, docs/BENCHMARKS.md):
 * <ul>
 * <li>A {@link FrequencySketch} (4-bit count-min, halved after every {@code 10 × capacity}
 *     counted accesses) estimates each key's recent frequency, as in TinyLFU; it counts misses and
 *     the hits that raise a slot's hit state (so at most {@code maxHits} per pass of the hand). While the hot ring is below
 *     its share ({@code capacity − coldTarget}) a key leaving cold enters it; once the ring is
 *     full, a key leaving cold unhit enters it only if its estimate beats the ring's victim (the
 *     slot the hand stops at) by more than one — the candidate's own recent access is in its
 *     estimate and not yet in the victim's, which on a loop would otherwise swap them endlessly.
 *     The loser becomes a ghost (the candidate) or is evicted (the victim).</li>
 * <li>A ghost hit promotes into hot directly while the ring is below its share or the victim's
 *     estimate is below 3, and otherwise only if the key's estimate beats the victim's by more than
 *     one; if not, it enters cold.</li>
 * <li>A key hit more than once while cold is promoted when it leaves cold (as in S3-FIFO) with hit
 *     state 1, so the hand passes it once before it can be a victim.</li>
 * <li>The cold share is tuned by hill climbing on the hit rate ({@link HillClimber}, as Caffeine
 *     tunes its window): every {@code 10 × capacity} accesses the target moves by a step in the
 *     direction that last raised the hit rate, turning back when the rate fell; the step decays by
 *     0.9 per sample and restarts at 6.25% of the capacity when the rate jumps by 5 points. The
 *     target stays in 1%..50% of the capacity.</li>
 * <li>The rules above are the frequency rules. A share of the keys, chosen by their hash
 *     ({@link RecencySplit}), follows recency rules instead: a ghost hit always enters hot, a key
 *     leaving cold unhit never challenges the victim, and a key promoted from cold enters hot with
 *     hit state 0. The share starts at 0 and is hill-climbed on the hit rate every
 *     {@code 2 × capacity} accesses, so a recency-friendly trace moves keys to the recency rules
 *     and a loop keeps them on the frequency rules.</li>
 * </ul>
 *
 * <p><b>Hit path.</b> {@link #lookup} takes no lock and does no CAS: it probes an open-addressing
 * table of slot numbers, each cell tagged with bits of its key's hash in the bits the slot number
 * does not need (the key is compared through {@code slotKey[slot]} only when the tag matches, so a
 * probe past other keys' cells costs no load of their keys), raises the slot's hit
 * byte with one plain store if it is below its maximum and then also the key's sketch counters
 * (plain stores, unless saturated), and counts the hit in a counter striped by thread (so two
 * threads do not write one cache line). A hit on a slot whose hit state is at its maximum writes
 * nothing shared. It allocates nothing. A lookup racing with the
 * eviction of the same key may miss (then {@link #admit} finds the key and returns its slot) or
 * return the slot being evicted; a cache guards its slot contents with a per-slot generation.
 *
 * <p><b>Management.</b> {@link #admit} and {@link #invalidate} take one lock, so they are safe
 * from many threads ({@link #concurrent()} is true) while lookups go on without it.
 *
 * <p><b>Metadata per cached block</b>: key 8 B + hit byte 1 B + state byte 1 B + list links
 * 2 × 4 B + table cells {@code 4 B / 0.75 load} = 5.33 B + ghost fingerprints of 4 B for
 * {@code ghostRatio} (0.5) of the slots = 2 B + sketch of {@code sketchCounters} (8) 4-bit
 * counters per slot = 4 B: <b>29.3 B</b>, plus 1,280 B of striped counters per policy
 * ({@link #metadataBytes()} computes the exact figure). The recency split keeps nothing per block
 * (a key's rules come from its hash), so it adds nothing to the figure.
 */
public final class TwoPhasePolicy implements EvictionPolicy {

    /**
     * Tuning of the policy; {@link #DEFAULT} is what the {@code two-phase} factory uses.
     *
     * @param coldRatio      the cold queue's initial share of the slots
     * @param ghostRatio     ghost fingerprints per slot
     * @param maxHits        the highest hit state (the hand lowers it by one per pass)
     * @param promoteAbove   a cold key hit more than this many times is promoted when it leaves cold
     * @param sketchCounters 4-bit sketch counters per slot (rounded up to 64-byte blocks)
     * @param adaptive       whether hill climbing tunes the cold share and the recency share (if
     *                       not, every key follows the frequency rules)
     */
    public record Options(double coldRatio, double ghostRatio, int maxHits, int promoteAbove, int sketchCounters,
            boolean adaptive) {

        /** The default, chosen by measurement over the reference traces (docs/BENCHMARKS.md). */
        public static final Options DEFAULT = new Options(0.1, 0.5, 3, 1, 8, true);

        public Options {
            if (!(coldRatio > 0 && coldRatio < 1) || !(ghostRatio >= 0 && ghostRatio <= 4)
                    || maxHits < 1 || maxHits > 100 || promoteAbove < 0 || promoteAbove >= maxHits
                    || sketchCounters < 1 || sketchCounters > 64) {
                throw new IllegalArgumentException("bad two-phase options " + this);
            }
        }
    }

    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private static final byte FREE = 0;
    private static final byte COLD = 1;
    private static final byte HOT = 2;
    private static final int NIL = -1;
    /** A candidate must beat the hot victim's frequency estimate by more than this to take its place. */
    private static final int ADMIT_MARGIN = 1;
    /** A ghost hit takes the place of a hot victim whose frequency estimate is below this, whatever its own. */
    private static final int GHOST_DISPLACES_BELOW = 3;
    /** Sketch ageing and climber samples, in accesses per slot. */
    private static final int SAMPLE_PER_SLOT = 10;
    /** The cold share's range and its climber's first step, as shares of the capacity. */
    private static final double MIN_COLD_SHARE = 0.01;
    private static final double MAX_COLD_SHARE = 0.5;
    private static final double COLD_STEP_SHARE = 0.0625;
    /** Counter stripes (by thread id) for hits and sketch additions, 128 bytes apart. */
    private static final int STRIPES = 8;
    private static final int STRIPE_SPACING = 16;

    private final int capacity;
    private final EvictionListener listener;
    private final byte maxHits;
    private final int promoteAbove;
    private final boolean adaptive;

    /** The key of each slot (written under the lock before the slot is published in the table). */
    private final long[] slotKey;
    /** Hit state of each slot, 0..maxHits: raised by lookups without a lock, lowered by the hand. */
    private final byte[] hits;
    /** FREE, COLD or HOT (under the lock). */
    private final byte[] state;
    /** Links of the cold FIFO and of the hot CLOCK ring (a slot is in one of them); free slots chain through {@code next}. */
    private final int[] next;
    private final int[] prev;
    /**
     * Open-addressing index: per cell a tag of the key's hash above {@code slotBits} bits of slot + 1,
     * 0 = empty; linear probing, backward-shift deletion.
     */
    private final int[] table;
    private final int slotBits;
    private final int slotMask;
    /** Fingerprints of keys evicted from cold. */
    private final GhostFingerprints ghost;
    private final FrequencySketch sketch;
    /** Per stripe: [0] hits, [1] sketch additions by lookups; stripe i starts at (i + 1) × STRIPE_SPACING. */
    private final long[] stripes = new long[(STRIPES + 2) * STRIPE_SPACING];

    private final ReentrantLock lock = new ReentrantLock();
    private final HillClimber climber;
    private final RecencySplit recency;
    private final long samplePeriod;
    private int coldTarget;
    private int coldHead = NIL;
    private int coldTail = NIL;
    private int coldCount;
    private int hotCount;
    private int freeHead = NIL;
    private int neverUsed;
    private volatile int size;
    /** The hot ring's hand: the next slot it inspects; new hot slots go just behind it. */
    private int hand = NIL;

    /** Misses (admits of absent keys) and sketch additions they made; under the lock. */
    private long misses;
    private long missAdditions;
    private long nextHalving;

    public TwoPhasePolicy(int capacity, EvictionListener listener) {
        this(capacity, listener, Options.DEFAULT);
    }

    public TwoPhasePolicy(int capacity, EvictionListener listener, Options options) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.listener = listener == null ? EvictionListener.NONE : listener;
        this.maxHits = (byte) options.maxHits();
        this.promoteAbove = options.promoteAbove();
        this.adaptive = options.adaptive();
        this.slotKey = new long[capacity];
        this.hits = new byte[capacity];
        this.state = new byte[capacity];
        this.next = new int[capacity];
        this.prev = new int[capacity];
        this.table = new int[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(capacity + 1L, (capacity * 4L + 2) / 3))];
        this.slotBits = 32 - Integer.numberOfLeadingZeros(capacity);
        this.slotMask = slotBits == 32 ? -1 : (1 << slotBits) - 1;
        this.coldTarget = Math.max(1, (int) (capacity * options.coldRatio()));
        this.ghost = new GhostFingerprints((int) (capacity * options.ghostRatio()));
        this.sketch = new FrequencySketch(capacity, options.sketchCounters());
        this.samplePeriod = (long) SAMPLE_PER_SLOT * capacity;
        this.nextHalving = samplePeriod;
        int minCold = Math.max(1, (int) (MIN_COLD_SHARE * capacity));
        this.climber = new HillClimber(samplePeriod, minCold, (int) (MAX_COLD_SHARE * capacity),
                COLD_STEP_SHARE * capacity);
        this.recency = new RecencySplit(capacity);
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean concurrent() {
        return true;
    }

    /** Bytes of metadata this policy allocated (slots, table, ghost, sketch, counters), divided by its capacity. */
    public double metadataBytes() {
        long bytes = 8L * slotKey.length + hits.length + state.length + 4L * next.length + 4L * prev.length
                + 4L * table.length + ghost.bytes() + sketch.bytes() + 8L * stripes.length;
        return (double) bytes / capacity;
    }

    /** The cold queue's current target size (for tests and diagnostics; takes the lock). */
    int coldTarget() {
        lock.lock();
        try {
            return coldTarget;
        } finally {
            lock.unlock();
        }
    }

    /** The share of the keys following the recency rules, in 1/1024ths (for tests and diagnostics; takes the lock). */
    int recencyShare() {
        lock.lock();
        try {
            return recency.share();
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code key} is resident in the hot ring (for tests and diagnostics; takes the lock). */
    boolean isHot(long key) {
        lock.lock();
        try {
            int slot = find(key, Hashing.mix(key));
            return slot >= 0 && state[slot] == HOT;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int lookup(long key) {
        long hash = Hashing.mix(key);
        int slot = find(key, hash);
        if (slot >= 0) {
            int stripe = ((int) Thread.currentThread().getId() & (STRIPES - 1)) * STRIPE_SPACING + STRIPE_SPACING;
            stripes[stripe]++;
            byte h = hits[slot];
            if (h < maxHits) {
                // Only a hit that raises the hit state counts in the sketch: a busy key's hits stay
                // reads (apart from this thread's counter) until the hand lowers its state again.
                hits[slot] = (byte) (h + 1);
                if (sketch.increment(hash)) {
                    stripes[stripe + 1]++;
                }
            }
        }
        return slot;
    }

    private int find(long key, long hash) {
        int n = table.length;
        int i = Hashing.index(hash, n);
        int tag = tag(hash);
        for (int probes = 0; probes < n; probes++) {
            int cell = (int) INTS.getAcquire(table, i);
            if (cell == 0) {
                return -1;
            }
            if ((cell & ~slotMask) == tag && (long) LONGS.getOpaque(slotKey, (cell & slotMask) - 1) == key) {
                return (cell & slotMask) - 1;
            }
            if (++i == n) {
                i = 0;
            }
        }
        return -1;
    }

    @Override
    public int admit(long key) {
        lock.lock();
        try {
            long hash = Hashing.mix(key);
            int slot = find(key, hash);
            if (slot >= 0) {
                return slot;
            }
            misses++;
            if (sketch.increment(hash)) {
                missAdditions++;
            }
            age();
            climb();
            boolean toHot = ghost.take(hash);
            if (toHot && hotFull() && !recency.follows(hash)) {
                int victimFrequency = sketch.frequency(Hashing.mix(slotKey[hotVictim()]));
                toHot = victimFrequency < GHOST_DISPLACES_BELOW || sketch.frequency(hash) > victimFrequency + ADMIT_MARGIN;
            }
            slot = freeSlot();
            if (slot < 0) {
                slot = evictOne();
            }
            LONGS.setOpaque(slotKey, slot, key);
            hits[slot] = 0;
            if (toHot) {
                state[slot] = HOT;
                hotInsert(slot);
            } else {
                state[slot] = COLD;
                coldAppend(slot);
            }
            tableInsert(hash, slot);
            size++;
            return slot;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean invalidate(long key) {
        lock.lock();
        try {
            long hash = Hashing.mix(key);
            int slot = find(key, hash);
            if (slot < 0) {
                return false;
            }
            tableRemove(key, hash);
            if (state[slot] == COLD) {
                coldUnlink(slot);
            } else {
                hotUnlink(slot);
            }
            state[slot] = FREE;
            next[slot] = freeHead;
            freeHead = slot;
            size--;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Sum of one field over the stripes. */
    private long striped(int field) {
        long sum = 0;
        for (int i = 1; i <= STRIPES; i++) {
            sum += stripes[i * STRIPE_SPACING + field];
        }
        return sum;
    }

    /** Halves the sketch after every {@code 10 × capacity} additions (then half as many until the next). */
    private void age() {
        long additions = striped(1) + missAdditions;
        if (additions >= nextHalving) {
            sketch.halve();
            nextHalving = additions + samplePeriod / 2;
        }
    }

    /** Hill climbing on the cold share and on the recency share (once the cache has filled). */
    private void climb() {
        if (adaptive && neverUsed >= capacity) {
            long accesses = striped(0) + misses;
            coldTarget = climber.climb(accesses, misses, coldTarget);
            recency.climb(accesses, misses);
        }
    }

    private boolean hotFull() {
        return hotCount > 0 && hotCount >= capacity - coldTarget;
    }

    private int freeSlot() {
        if (freeHead != NIL) {
            int slot = freeHead;
            freeHead = next[slot];
            return slot;
        }
        return neverUsed < capacity ? neverUsed++ : -1;
    }

    /**
     * Moves the hand to the hot slot it would evict: phase one lowers (arms) each touched slot it
     * passes; it stops at a slot whose hit state is 0, untouched since the hand last armed it.
     */
    private int hotVictim() {
        // Each hot key's hit state drops by one per revolution; past maxHits + 1 revolutions the
        // hand takes whatever it meets, so concurrent hits cannot keep it turning for ever.
        long budget = (long) capacity * (maxHits + 2);
        for (;;) {
            int slot = hand;
            byte h = hits[slot];
            if (h > 0 && --budget > 0) {
                hits[slot] = (byte) (h - 1);
                hand = next[slot];
                continue;
            }
            return slot;
        }
    }

    /** Frees one slot (the cache is full) and returns it. */
    private int evictOne() {
        for (;;) {
            if (coldCount > 0 && (coldCount >= coldTarget || hotCount == 0)) {
                int slot = coldHead;
                coldUnlink(slot);
                if (hits[slot] > promoteAbove || !hotFull()) {
                    promote(slot);
                    continue;
                }
                long hash = Hashing.mix(slotKey[slot]);
                if (!recency.follows(hash)) {
                    int victim = hotVictim();
                    if (sketch.frequency(hash) > sketch.frequency(Hashing.mix(slotKey[victim])) + ADMIT_MARGIN) {
                        // Phase two for the victim: armed and untouched for a whole revolution.
                        hotUnlink(victim);
                        promote(slot);
                        return drop(victim);
                    }
                }
                ghost.put(hash);
                return drop(slot);
            }
            int slot = hotVictim();
            hotUnlink(slot);
            return drop(slot);
        }
    }

    private void promote(int slot) {
        state[slot] = HOT;
        // A frequency key promoted for its hits in cold enters hot touched once, so the hand passes
        // it once before it can be a victim (keeping hits - 1, up to 2, held stale keys too long on
        // w106 and orm-busy); a recency key must be hit again within one revolution.
        hits[slot] = (byte) (hits[slot] > 1 && !recency.follows(Hashing.mix(slotKey[slot])) ? 1 : 0);
        hotInsert(slot);
    }

    private void hotInsert(int slot) {
        if (hand == NIL) {
            next[slot] = slot;
            prev[slot] = slot;
            hand = slot;
        } else {
            int behind = prev[hand];
            next[behind] = slot;
            prev[slot] = behind;
            next[slot] = hand;
            prev[hand] = slot;
        }
        hotCount++;
    }

    private void hotUnlink(int slot) {
        if (next[slot] == slot) {
            hand = NIL;
        } else {
            int p = prev[slot];
            int n = next[slot];
            next[p] = n;
            prev[n] = p;
            if (hand == slot) {
                hand = n;
            }
        }
        hotCount--;
    }

    private int drop(int slot) {
        long key = slotKey[slot];
        tableRemove(key, Hashing.mix(key));
        state[slot] = FREE;
        size--;
        listener.evicted(key, slot);
        return slot;
    }

    private void coldAppend(int slot) {
        prev[slot] = coldTail;
        next[slot] = NIL;
        if (coldTail == NIL) {
            coldHead = slot;
        } else {
            next[coldTail] = slot;
        }
        coldTail = slot;
        coldCount++;
    }

    private void coldUnlink(int slot) {
        int p = prev[slot];
        int n = next[slot];
        if (p == NIL) {
            coldHead = n;
        } else {
            next[p] = n;
        }
        if (n == NIL) {
            coldTail = p;
        } else {
            prev[n] = p;
        }
        coldCount--;
    }

    private void tableInsert(long hash, int slot) {
        int n = table.length;
        int i = Hashing.index(hash, n);
        while (table[i] != 0) {
            if (++i == n) {
                i = 0;
            }
        }
        INTS.setRelease(table, i, tag(hash) | (slot + 1));
    }

    /** The bits of a cell above the slot number: low bits of the key's hash (the index uses its high bits). */
    private int tag(long hash) {
        return (int) hash & ~slotMask;
    }

    private void tableRemove(long key, long hash) {
        int n = table.length;
        int hole = Hashing.index(hash, n);
        while (table[hole] == 0 || slotKey[(table[hole] & slotMask) - 1] != key) {
            if (table[hole] == 0) {
                throw new IllegalStateException("key " + key + " not in the table");
            }
            if (++hole == n) {
                hole = 0;
            }
        }
        int j = hole;
        for (;;) {
            if (++j == n) {
                j = 0;
            }
            int cell = table[j];
            if (cell == 0) {
                break;
            }
            int home = Hashing.index(Hashing.mix(slotKey[(cell & slotMask) - 1]), n);
            int fromHome = j - home < 0 ? j - home + n : j - home;
            int fromHole = j - hole < 0 ? j - hole + n : j - hole;
            if (fromHome >= fromHole) {
                INTS.setRelease(table, hole, cell);
                hole = j;
            }
        }
        INTS.setRelease(table, hole, 0);
    }
}
