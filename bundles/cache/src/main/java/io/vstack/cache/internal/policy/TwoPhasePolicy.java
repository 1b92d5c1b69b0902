package io.vstack.cache.internal.policy;

import io.vstack.api.cache.EvictionListener;
import io.vstack.api.cache.EvictionPolicy;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two-phase eviction after US 11,080,189, grown by measurement into a TinyLFU cache on CLOCK
 * queues with a ghost-sized cold queue.
 *
 * <p><b>The patent's mechanism.</b> A cold FIFO takes first-time keys. A key leaving cold without
 * entering the hot region leaves only a fingerprint in the ghost. Hot keys live in CLOCK queues
 * with a status (reference) byte per slot, set by a hit; a hot key is evicted in two phases: the
 * hand first clears (arms) a referenced key, which survives, and takes a slot only from a key still
 * unreferenced when the hand comes back. A hit is one byte store; a sequential scan churns only
 * cold and the ghost.
 *
 * <p><b>Beyond the patent</b> (each step measured on the reference traces, docs/BENCHMARKS.md):
 * <ul>
 * <li><b>Admission by frequency</b> (TinyLFU: Einziger, Friedman, Manes, ACM ToS 2017). A
 *     {@link FrequencySketch} (4-bit count-min, halved after every {@code 10 × capacity}
 *     additions) estimates each key's recent frequency. A key leaving cold enters the hot region
 *     only if its estimate beats the hot victim's by more than one (its own miss is already in its
 *     estimate); otherwise it becomes a ghost. The sketch counts a miss, and a hit only when it
 *     sets the key's reference byte, so a key counts once per pass of the hand however often it
 *     is hit in between: the estimate counts in how many passes a key was reused, and a burst of
 *     hits cannot buy a key a place.</li>
 * <li><b>Two phases made explicit</b> (segmented LRU on CLOCK): the hot region is a probation
 *     queue and a protected queue (at most {@value #PROTECTED_SHARE} of the hot slots).
 *     Probation's hand moves a referenced key to protected (clearing its byte) and stops at the
 *     first unreferenced key, the victim. Protected's hand arms a referenced key and moves an
 *     armed one untouched since back to probation. So a hot key is freed only after being armed
 *     and passed over unreferenced twice.</li>
 * <li><b>The cold queue is a CLOCK too</b>: its hand gives a key referenced since it entered a
 *     second pass (clearing its byte) and offers the first unreferenced key to the hot region.</li>
 * <li><b>The cold queue's size follows the ghost</b> ({@link WindowSizer}): starting at 1% of the
 *     capacity, it grows when keys that lost the duel come back soon after (a larger cold queue
 *     would have kept them) and shrinks when keys evicted from hot come back soon after, within
 *     1%..80% of the capacity. The ghost remembers where each key left from and when.</li>
 * </ul>
 *
 * <p><b>Hit path.</b> {@link #lookup} takes no lock and does no CAS: it probes the
 * {@link SlotIndex} (an open-addressing table of slot numbers tagged with bits of their keys'
 * hashes, so a probe loads a key only when the tag matches), and,
 * if the slot's reference byte is 0, sets it with one plain store and counts the key in the sketch
 * (plain stores) and the addition in a counter striped by thread (so two threads do not write one
 * cache line). A hit on a referenced slot writes nothing shared. It allocates nothing. A lookup
 * racing with the eviction of the same key may miss (then {@link #admit} finds the key and returns
 * its slot) or return the slot being evicted; a cache guards its slot contents with a per-slot
 * generation.
 *
 * <p><b>Management.</b> {@link #admit} and {@link #invalidate} take one lock, so they are safe
 * from many threads ({@link #concurrent()} is true) while lookups go on without it.
 *
 * <p><b>Metadata per cached block</b>: key 8 B + reference byte 1 B + queue byte 1 B + list links
 * 2 × 4 B + table cells {@code 4 B / 0.75 load} = 5.33 B + ghost entries of 4 B for
 * {@value #GHOST_RATIO} of the slots = 2 B + sketch of {@value #SKETCH_COUNTERS} 4-bit counters
 * per slot = 4 B: <b>29.3 B</b>, plus 1,280 B of striped counters per policy
 * ({@link #metadataBytes()} computes the exact figure).
 */
public final class TwoPhasePolicy implements EvictionPolicy {

    /**
     * Tuning of the policy; {@link #DEFAULT} is what the {@code two-phase} factory uses.
     *
     * @param coldShare the cold queue's initial share of the slots
     * @param adaptive  whether the cold queue's size follows the ghost ({@link WindowSizer}); if
     *                  not, it stays at {@code coldShare}
     */
    public record Options(double coldShare, boolean adaptive) {

        /** The default, chosen by measurement over the reference traces (docs/BENCHMARKS.md). */
        public static final Options DEFAULT = new Options(0.01, true);

        public Options {
            if (!(coldShare > 0 && coldShare < 1)) {
                throw new IllegalArgumentException("bad two-phase options " + this);
            }
        }
    }

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    /** The queues (the low bits of a slot's queue byte); FREE slots chain through {@code next}. */
    private static final byte FREE = 0;
    private static final byte COLD = 1;
    private static final byte PROBATION = 2;
    private static final byte PROTECTED = 3;
    private static final int QUEUE_BITS = 3;
    /**
     * Queue byte flag: the key was referenced while in cold (cold's hand found it so). It stays on
     * a key that enters probation without a duel while the cache fills, where it counts for one
     * more in the key's defence of its slot (see {@link #evictOne}).
     */
    private static final int REUSED_IN_COLD = 4;
    private static final int NIL = -1;
    /** A candidate must beat the hot victim's frequency estimate by more than this to take its place. */
    private static final int ADMIT_MARGIN = 1;
    /** Protected's share of the hot slots. */
    private static final double PROTECTED_SHARE = 0.8;
    private static final double GHOST_RATIO = 0.5;
    private static final int SKETCH_COUNTERS = 8;
    /** Sketch ageing, in additions per slot. */
    private static final int SAMPLE_PER_SLOT = 10;
    /** Ghost stamps count in units of capacity / this many events. */
    private static final int STAMP_RESOLUTION = 1024;
    /** Counter stripes (by thread id) for sketch additions, 128 bytes apart. */
    private static final int STRIPES = 8;
    private static final int STRIPE_SPACING = 16;

    private final int capacity;
    private final EvictionListener listener;

    /** The key of each slot (written under the lock before the slot is published in the table). */
    private final long[] slotKey;
    /** 1 if the slot was hit since a hand last passed it: set by lookups without a lock, cleared by the hands. */
    private final byte[] referenced;
    /** The queue of each slot (under the lock). */
    private final byte[] queue;
    /** Links of the queues (a slot is in one of them); free slots chain through {@code next}. */
    private final int[] next;
    private final int[] prev;
    /** Per queue (indexed by the queue byte): oldest slot (where its hand is), newest slot, length. */
    private final int[] head = {NIL, NIL, NIL, NIL};
    private final int[] tail = {NIL, NIL, NIL, NIL};
    private final int[] count = new int[4];
    private final SlotIndex index;
    private final GhostFingerprints ghost;
    private final FrequencySketch sketch;
    /** Per stripe: sketch additions by lookups; stripe i at (i + 1) × STRIPE_SPACING. */
    private final long[] stripes = new long[(STRIPES + 2) * STRIPE_SPACING];

    private final ReentrantLock lock = new ReentrantLock();
    /** Sizes the cold queue; null if fixed. */
    private final WindowSizer sizer;
    private final int fixedColdTarget;
    private final long samplePeriod;
    private int freeHead = NIL;
    private int neverUsed;
    private volatile int size;

    /** Misses (admits of absent keys), the sketch additions they made and evictions from hot; under the lock. */
    private long misses;
    private long missAdditions;
    private long hotEvictions;
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
        this.slotKey = new long[capacity];
        this.referenced = new byte[capacity];
        this.queue = new byte[capacity];
        this.next = new int[capacity];
        this.prev = new int[capacity];
        this.index = new SlotIndex(slotKey);
        this.ghost = new GhostFingerprints((int) (capacity * GHOST_RATIO), capacity / STAMP_RESOLUTION);
        this.sketch = new FrequencySketch(capacity, SKETCH_COUNTERS);
        this.samplePeriod = (long) SAMPLE_PER_SLOT * capacity;
        this.nextHalving = samplePeriod;
        this.sizer = options.adaptive() ? new WindowSizer(capacity, options.coldShare()) : null;
        this.fixedColdTarget = Math.max(1, (int) Math.round(options.coldShare() * capacity));
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
        long bytes = 8L * slotKey.length + referenced.length + queue.length + 4L * next.length + 4L * prev.length
                + index.bytes() + ghost.bytes() + sketch.bytes() + 8L * stripes.length;
        return (double) bytes / capacity;
    }

    /** The cold queue's current target size (for tests and diagnostics; takes the lock). */
    int coldTarget() {
        lock.lock();
        try {
            return coldTargetLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code key} is resident in the hot region (for tests and diagnostics; takes the lock). */
    boolean isHot(long key) {
        lock.lock();
        try {
            int slot = index.find(key, Hashing.mix(key));
            return slot >= 0 && (queue[slot] & QUEUE_BITS) >= PROBATION;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int lookup(long key) {
        long hash = Hashing.mix(key);
        int slot = index.find(key, hash);
        if (slot >= 0 && referenced[slot] == 0) {
            // Only the hit that sets the byte counts in the sketch: once per pass of the hand.
            referenced[slot] = 1;
            if (sketch.increment(hash)) {
                stripes[((int) Thread.currentThread().getId() & (STRIPES - 1)) * STRIPE_SPACING + STRIPE_SPACING]++;
            }
        }
        return slot;
    }

    @Override
    public int admit(long key) {
        lock.lock();
        try {
            long hash = Hashing.mix(key);
            int slot = index.find(key, hash);
            if (slot >= 0) {
                return slot;
            }
            misses++;
            if (sketch.increment(hash)) {
                missAdditions++;
            }
            age();
            int ghostEntry = ghost.take(hash);
            boolean lostTheDuel = ghostEntry != 0 && GhostFingerprints.from(ghostEntry) == GhostFingerprints.FROM_COLD;
            if (ghostEntry != 0 && sizer != null) {
                if (lostTheDuel) {
                    sizer.coldGhostHit(ghost.age(ghostEntry, misses));
                } else {
                    sizer.hotGhostHit(ghost.age(ghostEntry, hotEvictions));
                }
            }
            byte to = COLD;
            slot = freeSlot();
            if (slot < 0 && lostTheDuel) {
                // The patent's ghost hit: a key that lost the duel comes back; it duels the hot
                // victim at once and, if it wins, takes its slot in hot, referenced (so probation's
                // hand moves it on to protected).
                int victim = hotVictim();
                if (victim != NIL && sketch.frequency(hash) > sketch.frequency(Hashing.mix(slotKey[victim])) + ADMIT_MARGIN) {
                    unlink(victim);
                    slot = dropHot(victim);
                    to = PROBATION;
                }
            }
            if (slot < 0) {
                slot = evictOne();
            }
            LONGS.setOpaque(slotKey, slot, key);
            referenced[slot] = (byte) (to == PROBATION ? 1 : 0);
            append(to, slot);
            index.insert(hash, slot);
            size++;
            if (neverUsed < capacity || freeHead != NIL) {
                // Not full: cold's overflow enters the hot region without a duel.
                while (count[COLD] > coldTargetLocked()) {
                    enterHot(coldVictim());
                }
            }
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
            int slot = index.find(key, hash);
            if (slot < 0) {
                return false;
            }
            index.remove(key, hash);
            unlink(slot);
            next[slot] = freeHead;
            freeHead = slot;
            size--;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private int coldTargetLocked() {
        return sizer == null ? fixedColdTarget : sizer.target();
    }

    /** Halves the sketch after every {@code 10 × capacity} additions (then half as many until the next). */
    private void age() {
        long additions = missAdditions;
        for (int i = 1; i <= STRIPES; i++) {
            additions += stripes[i * STRIPE_SPACING];
        }
        if (additions >= nextHalving) {
            sketch.halve();
            nextHalving = additions + samplePeriod / 2;
        }
    }

    private int freeSlot() {
        if (freeHead != NIL) {
            int slot = freeHead;
            freeHead = next[slot];
            return slot;
        }
        return neverUsed < capacity ? neverUsed++ : NIL;
    }

    /** Frees one slot (the cache is full) and returns it. */
    private int evictOne() {
        // The target shrank: cold's overflow enters the hot region without a duel.
        while (count[COLD] > coldTargetLocked() + 1) {
            enterHot(coldVictim());
        }
        if (count[COLD] > 0 && count[COLD] >= coldTargetLocked()) {
            int candidate = coldVictim();
            unlink(candidate);
            int victim = hotVictim();
            if (victim != NIL) {
                // A victim that entered hot without a duel while the cache filled, after a hit in
                // cold, counts that hit in its defence; if it holds, it has earned protected. (Its
                // estimate alone may by then be within a scan's sketch collisions of a newcomer's.)
                boolean reused = (queue[victim] & REUSED_IN_COLD) != 0;
                if (sketch.frequency(Hashing.mix(slotKey[candidate]))
                        > sketch.frequency(Hashing.mix(slotKey[victim])) + ADMIT_MARGIN + (reused ? 1 : 0)) {
                    unlink(victim);
                    referenced[candidate] = 0;
                    append(PROBATION, candidate);
                    return dropHot(victim);
                }
                if (reused) {
                    protect(victim);
                }
            }
            ghost.put(Hashing.mix(slotKey[candidate]), GhostFingerprints.FROM_COLD, misses);
            return drop(candidate);
        }
        int victim = hotVictim();
        if (victim == NIL) {
            victim = coldVictim();
            unlink(victim);
            ghost.put(Hashing.mix(slotKey[victim]), GhostFingerprints.FROM_COLD, misses);
            return drop(victim);
        }
        unlink(victim);
        return dropHot(victim);
    }

    /** Turns cold's hand to the slot it offers the hot region (see {@link #secondChance}). */
    private int coldVictim() {
        return secondChance(COLD);
    }

    /**
     * Turns the hand of cold or protected: a key referenced since the hand last passed gets a
     * second pass (its byte cleared, to the tail; in cold also a credit for the sizer and the
     * {@link #REUSED_IN_COLD} mark); the first unreferenced key is returned, still linked. Past
     * 2 × capacity steps the hand takes whatever it meets, so concurrent hits cannot keep it
     * turning for ever.
     */
    private int secondChance(byte from) {
        for (long budget = 2L * capacity; ; budget--) {
            int slot = head[from];
            if (referenced[slot] == 0 || budget <= 0) {
                return slot;
            }
            referenced[slot] = 0;
            moveTo(from, slot);
            if (from == COLD) {
                queue[slot] |= REUSED_IN_COLD;
                if (sizer != null) {
                    sizer.earnCredit();
                }
            }
        }
    }

    /**
     * Turns probation's hand to the hot victim, still linked (NIL if the hot region is empty):
     * phase one, a referenced key moves to protected, its byte cleared; an empty probation takes
     * protected's victim; the first unreferenced probation key is the victim.
     */
    private int hotVictim() {
        for (long budget = 4L * capacity; ; budget--) {
            if (count[PROBATION] == 0) {
                if (count[PROTECTED] == 0) {
                    return NIL;
                }
                moveTo(PROBATION, secondChance(PROTECTED));
            }
            int slot = head[PROBATION];
            if (referenced[slot] == 0 || budget <= 0) {
                return slot;
            }
            protect(slot);
        }
    }

    /** A probation key moves to protected, its byte cleared; protected's overflow goes back to probation. */
    private void protect(int slot) {
        referenced[slot] = 0;
        moveTo(PROTECTED, slot);
        int protectedTarget = (int) (PROTECTED_SHARE * (capacity - coldTargetLocked()));
        while (count[PROTECTED] > protectedTarget) {
            int demoted = secondChance(PROTECTED);
            referenced[demoted] = 0;
            moveTo(PROBATION, demoted);
        }
    }


    /** A cold key enters the hot region without a duel (while the cache fills, or cold shrank). */
    private void enterHot(int slot) {
        boolean reused = (queue[slot] & REUSED_IN_COLD) != 0;
        unlink(slot);
        referenced[slot] = 0;
        append(PROBATION, slot);
        if (reused && neverUsed < capacity) {
            queue[slot] |= REUSED_IN_COLD;
        }
    }

    private int dropHot(int slot) {
        hotEvictions++;
        ghost.put(Hashing.mix(slotKey[slot]), GhostFingerprints.FROM_HOT, hotEvictions);
        return drop(slot);
    }

    private int drop(int slot) {
        long key = slotKey[slot];
        index.remove(key, Hashing.mix(key));
        size--;
        listener.evicted(key, slot);
        return slot;
    }

    private void moveTo(byte to, int slot) {
        unlink(slot);
        append(to, slot);
    }

    private void append(byte to, int slot) {
        queue[slot] = to;
        prev[slot] = tail[to];
        next[slot] = NIL;
        if (tail[to] == NIL) {
            head[to] = slot;
        } else {
            next[tail[to]] = slot;
        }
        tail[to] = slot;
        count[to]++;
    }

    private void unlink(int slot) {
        int from = queue[slot] & QUEUE_BITS;
        int p = prev[slot];
        int n = next[slot];
        if (p == NIL) {
            head[from] = n;
        } else {
            next[p] = n;
        }
        if (n == NIL) {
            tail[from] = p;
        } else {
            prev[n] = p;
        }
        count[from]--;
        queue[slot] = FREE;
    }
}
