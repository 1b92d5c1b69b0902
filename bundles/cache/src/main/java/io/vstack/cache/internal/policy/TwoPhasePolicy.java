package io.vstack.cache.internal.policy;

import io.vstack.api.cache.EvictionListener;
import io.vstack.api.cache.EvictionPolicy;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two-phase eviction after US 11,080,189: a cold FIFO takes first-time keys; a key evicted from
 * cold leaves only a fingerprint in the ghost; a miss that hits the ghost enters the hot CLOCK
 * ring directly. The ring's hand evicts a hot key in two phases: a touched key has its hit state
 * lowered (armed) and survives; an armed key untouched when the hand comes back is evicted. A key
 * hit more than once while cold is promoted to hot when it leaves cold, instead of becoming a
 * ghost (as in S3-FIFO). Hit states count to 3, so the hand lowers a busy key several times before
 * it is armed. A sequential scan therefore only churns cold and ghost: while cold holds at least
 * its share (10% of the slots) the hand does not move.
 *
 * <p><b>Hit path.</b> {@link #lookup} takes no lock and does no CAS: it probes an open-addressing
 * table of slot numbers (the key is compared through {@code slotKey[slot]}) and raises the
 * slot's hit byte with one plain store, only if it is below its maximum, so a hot key's hits are
 * reads only. It allocates nothing. A lookup racing with the eviction of the same key may miss
 * (then {@link #admit} finds the key and returns its slot) or return the slot being evicted; a
 * cache guards its slot contents with a per-slot generation.
 *
 * <p><b>Management.</b> {@link #admit} and {@link #invalidate} take one lock, so they are safe
 * from many threads ({@link #concurrent()} is true) while lookups go on without it.
 *
 * <p><b>Metadata per cached block</b> (arrays allocated per slot, per table cell, per ghost entry):
 * key 8 B + hit byte 1 B + state byte 1 B + cold-list links 2 x 4 B + table cells
 * {@code 4 B / 0.75 load} = 5.33 B + ghost entries of 8 B for {@code ghostRatio} (0.9) of the
 * slots = 7.2 B: <b>30.5 B</b> ({@link #metadataBytes()} computes the exact figure).
 */
public final class TwoPhasePolicy implements EvictionPolicy {

    /** Tuning of the policy; {@link #DEFAULT} is what the {@code two-phase} factory uses. */
    public record Options(double coldRatio, double ghostRatio, int maxHits, int promoteAbove) {

        /** The default, chosen by measurement over the reference traces (docs/BENCHMARKS.md). */
        public static final Options DEFAULT = new Options(0.1, 0.9, 3, 1);

        public Options {
            if (!(coldRatio > 0 && coldRatio < 1) || !(ghostRatio >= 0 && ghostRatio <= 4)
                    || maxHits < 1 || maxHits > 100 || promoteAbove < 0 || promoteAbove >= maxHits) {
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
    private static final int GHOST_WAYS = 8;

    private final int capacity;
    private final EvictionListener listener;
    private final byte maxHits;
    private final int promoteAbove;

    /** The key of each slot (written under the lock before the slot is published in the table). */
    private final long[] slotKey;
    /** Hit state of each slot, 0..maxHits: raised by lookups without a lock, lowered by the hand. */
    private final byte[] hits;
    /** FREE, COLD or HOT (under the lock). */
    private final byte[] state;
    /** Links of the cold FIFO and of the hot CLOCK ring (a slot is in one of them); free slots chain through {@code next}. */
    private final int[] next;
    private final int[] prev;
    /** Open-addressing index: slot + 1 per cell, 0 = empty; linear probing, backward-shift deletion. */
    private final int[] table;
    /** Set-associative ghost: fingerprint << 32 | insertion stamp; live while its age is within ghostLimit. */
    private final long[] ghost;
    private final int ghostBuckets;
    private final int ghostLimit;

    private final ReentrantLock lock = new ReentrantLock();
    private final int coldTarget;
    private int coldHead = NIL;
    private int coldTail = NIL;
    private int coldCount;
    private int hotCount;
    private int freeHead = NIL;
    private int neverUsed;
    private volatile int size;
    /** The hot ring's hand: the next slot it inspects; new hot slots go just behind it. */
    private int hand = NIL;
    private int ghostClock;

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
        this.slotKey = new long[capacity];
        this.hits = new byte[capacity];
        this.state = new byte[capacity];
        this.next = new int[capacity];
        this.prev = new int[capacity];
        this.table = new int[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(capacity + 1L, (capacity * 4L + 2) / 3))];
        this.coldTarget = Math.max(1, (int) (capacity * options.coldRatio()));
        int ghostEntries = (int) (capacity * options.ghostRatio());
        this.ghostBuckets = Math.max(1, (ghostEntries + GHOST_WAYS - 1) / GHOST_WAYS);
        this.ghost = new long[ghostEntries == 0 ? 0 : ghostBuckets * GHOST_WAYS];
        this.ghostLimit = ghostEntries;
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

    /** Bytes of metadata this policy allocated per slot, table cell and ghost entry, divided by its capacity. */
    public double metadataBytes() {
        long bytes = 8L * slotKey.length + hits.length + state.length + 4L * next.length + 4L * prev.length
                + 4L * table.length + 8L * ghost.length;
        return (double) bytes / capacity;
    }

    /** Whether {@code key} is resident in the hot ring (for tests and diagnostics; takes the lock). */
    boolean isHot(long key) {
        lock.lock();
        try {
            int slot = find(key);
            return slot >= 0 && state[slot] == HOT;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int lookup(long key) {
        int slot = find(key);
        if (slot >= 0) {
            byte h = hits[slot];
            if (h < maxHits) {
                hits[slot] = (byte) (h + 1);
            }
        }
        return slot;
    }

    private int find(long key) {
        int n = table.length;
        int i = Hashing.index(Hashing.mix(key), n);
        for (int probes = 0; probes < n; probes++) {
            int cell = (int) INTS.getAcquire(table, i);
            if (cell == 0) {
                return -1;
            }
            if ((long) LONGS.getOpaque(slotKey, cell - 1) == key) {
                return cell - 1;
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
            int slot = find(key);
            if (slot >= 0) {
                return slot;
            }
            boolean fromGhost = takeGhost(key);
            slot = freeSlot();
            if (slot < 0) {
                slot = evictOne();
            }
            LONGS.setOpaque(slotKey, slot, key);
            hits[slot] = 0;
            if (fromGhost) {
                state[slot] = HOT;
                hotInsert(slot);
            } else {
                state[slot] = COLD;
                coldAppend(slot);
            }
            tableInsert(key, slot);
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
            int slot = find(key);
            if (slot < 0) {
                return false;
            }
            tableRemove(key);
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

    private int freeSlot() {
        if (freeHead != NIL) {
            int slot = freeHead;
            freeHead = next[slot];
            return slot;
        }
        return neverUsed < capacity ? neverUsed++ : -1;
    }

    /** Frees one slot (the cache is full) and returns it. */
    private int evictOne() {
        // Each hot key's hit state drops by one per revolution; past maxHits + 1 revolutions the
        // hand evicts whatever it meets, so concurrent hits cannot keep it turning for ever.
        long budget = (long) capacity * (maxHits + 2);
        for (;;) {
            if (coldCount > 0 && (coldCount >= coldTarget || hotCount == 0)) {
                int slot = coldHead;
                coldUnlink(slot);
                if (hits[slot] > promoteAbove) {
                    state[slot] = HOT;
                    hits[slot] = 0;
                    hotInsert(slot);
                    continue;
                }
                putGhost(slotKey[slot]);
                return drop(slot);
            }
            int slot = hand;
            byte h = hits[slot];
            if (h > 0 && --budget > 0) {
                // Phase one: the key was touched since the hand last passed; lower (arm) it and move on.
                hits[slot] = (byte) (h - 1);
                hand = next[slot];
                continue;
            }
            // Phase two: armed and untouched for a whole revolution.
            hotUnlink(slot);
            return drop(slot);
        }
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
        tableRemove(key);
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

    private void tableInsert(long key, int slot) {
        int n = table.length;
        int i = Hashing.index(Hashing.mix(key), n);
        while (table[i] != 0) {
            if (++i == n) {
                i = 0;
            }
        }
        INTS.setRelease(table, i, slot + 1);
    }

    private void tableRemove(long key) {
        int n = table.length;
        int hole = Hashing.index(Hashing.mix(key), n);
        while (table[hole] == 0 || slotKey[table[hole] - 1] != key) {
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
            int home = Hashing.index(Hashing.mix(slotKey[cell - 1]), n);
            int fromHome = j - home < 0 ? j - home + n : j - home;
            int fromHole = j - hole < 0 ? j - hole + n : j - hole;
            if (fromHome >= fromHole) {
                INTS.setRelease(table, hole, cell);
                hole = j;
            }
        }
        INTS.setRelease(table, hole, 0);
    }

    private static int fingerprint(long hash) {
        int f = (int) hash;
        return f == 0 ? 1 : f;
    }

    private void putGhost(long key) {
        if (ghost.length == 0) {
            return;
        }
        long h = Hashing.mix(key);
        int base = Hashing.index(h, ghostBuckets) * GHOST_WAYS;
        int f = fingerprint(h);
        int stamp = ++ghostClock;
        int victim = base;
        int oldest = -1;
        for (int i = base; i < base + GHOST_WAYS; i++) {
            long e = ghost[i];
            int age = stamp - (int) e;
            if (e == 0 || age > ghostLimit || (int) (e >>> 32) == f) {
                victim = i;
                break;
            }
            if (age > oldest) {
                oldest = age;
                victim = i;
            }
        }
        ghost[victim] = ((long) f << 32) | (stamp & 0xffffffffL);
    }

    private boolean takeGhost(long key) {
        if (ghost.length == 0) {
            return false;
        }
        long h = Hashing.mix(key);
        int base = Hashing.index(h, ghostBuckets) * GHOST_WAYS;
        int f = fingerprint(h);
        for (int i = base; i < base + GHOST_WAYS; i++) {
            long e = ghost[i];
            if (e != 0 && (int) (e >>> 32) == f && ghostClock - (int) e <= ghostLimit) {
                ghost[i] = 0;
                return true;
            }
        }
        return false;
    }
}
