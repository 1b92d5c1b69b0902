package io.vstack.cache.internal.block;

import io.vstack.api.ByteSize;
import io.vstack.api.cache.BlockCache;
import io.vstack.api.cache.BlockKeys;
import io.vstack.api.cache.CacheStats;
import io.vstack.api.cache.EvictionPolicy;
import io.vstack.api.cache.EvictionPolicyFactory;
import io.vstack.api.hw.OutOfFramesException;
import io.vstack.api.hw.PageFrame;
import io.vstack.api.hw.PhysicalMemory;
import io.vstack.support.ThreadCounters;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongPredicate;

/**
 * A host-wide block cache whose data lives in page frames of the host's {@link PhysicalMemory},
 * one frame per slot; the {@link EvictionPolicy} maps block keys to slots.
 * <p><b>Hits</b> are lock-free: the policy's {@code lookup} gives a slot, and the copy out of the
 * slot's frame is bracketed by the slot's sequence number (a seqlock): a writer makes it odd,
 * stores the key and the bytes, and makes it even again. A reader that finds the sequence odd,
 * the slot holding another key, or the sequence changed after its copy, zeroes what it copied
 * and reports a miss, so it never returns another block's bytes. A hit allocates nothing.
 * <p><b>Admissions, updates, invalidations, resizes</b> take the cache's lock.
 * <p><b>Reclaimable page references</b> (US20190227957). When the cache shrinks it keeps its
 * most recently used blocks and gives the frames of the others back to the host's free pool,
 * keeping (frame number, generation) for each of those blocks. A later lookup that misses in the
 * slots reads such a block back with {@link PhysicalMemory#readIfUnchanged} if nobody allocated
 * the frame since (counted as a hit and as {@code reclaimed}, and re-admitted); if the frame was
 * reused, the reference is dropped and the lookup is a miss. Eviction during normal admission
 * reuses the victim's frame in place for the newcomer: giving it back and taking another would
 * hand back the same frame (the host reuses the most recently freed frame first).
 * <p>Disks are known by a cache index ({@link BlockKeys}); a content version other than 0 gets
 * its own index, so that blocks cached before a member of a disk chain changed (a commit) are
 * never served again.
 */
public final class FrameBlockCache implements BlockCache {

    private static final int HITS = 0;
    private static final int MISSES = 1;

    private final String name;
    private final String host;
    private final PhysicalMemory memory;
    private final EvictionPolicyFactory policyFactory;
    private final int blockSize;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Integer> indexes = new ConcurrentHashMap<>();
    private final ReclaimRefs refs = new ReclaimRefs();
    /** Hits (field {@link #HITS}) and misses ({@link #MISSES}): counted on every read, so per-thread cells, not LongAdders. */
    private final ThreadCounters lookups = new ThreadCounters(2);
    private final LongAdder reclaimed = new LongAdder();
    private final LongAdder insertions = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder invalidations = new LongAdder();
    private volatile int referenceCount;
    private volatile State state;
    private int nextIndex;
    private long clock;

    /** The slots of one size: policy, frames, keys and sequence numbers. Replaced whole on resize. */
    private static final class State {
        final EvictionPolicy policy;
        final int capacity;
        final PageFrame[] frames;
        final ByteBuffer[] buffers;
        final long[] keys;
        final long[] lastUse;
        final AtomicLongArray sequences;

        State(EvictionPolicy policy, PageFrame[] frames) {
            this.policy = policy;
            this.capacity = frames.length;
            this.frames = frames;
            this.buffers = new ByteBuffer[capacity];
            for (int i = 0; i < capacity; i++) {
                buffers[i] = frames[i].buffer();
            }
            this.keys = new long[capacity];
            Arrays.fill(keys, -1L);
            this.lastUse = new long[capacity];
            this.sequences = new AtomicLongArray(capacity);
        }

        /** Makes every slot look busy for good: readers still on this state miss. */
        void retire() {
            for (int i = 0; i < capacity; i++) {
                sequences.set(i, sequences.get(i) | 1);
            }
        }
    }

    /**
     * Creates a cache of {@code blocks} blocks, taking its frames from {@code memory} now.
     *
     * @throws IllegalArgumentException if {@code blocks} is not positive, beyond the host's memory
     *                                  or beyond its free frames (nothing is kept then)
     */
    public FrameBlockCache(String name, String host, PhysicalMemory memory, EvictionPolicyFactory policyFactory, int blocks) {
        this.name = name;
        this.host = host;
        this.memory = memory;
        this.policyFactory = policyFactory;
        this.blockSize = memory.frameSize();
        resize(blocks);
    }

    @Override
    public String name() {
        return name;
    }

    /** The host whose memory holds the cache. */
    public String host() {
        return host;
    }

    @Override
    public String policy() {
        return policyFactory.name();
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    /** Slots now. */
    public int capacity() {
        State s = state;
        return s == null ? 0 : s.capacity;
    }

    /** Lookups served from a reclaimable page reference. */
    public long reclaimedHits() {
        return reclaimed.sum();
    }

    /** Reclaimable page references held now. */
    public int references() {
        return referenceCount;
    }

    /**
     * The cache index of a disk at a content version, assigning one if {@code create}; -1 if it has
     * none and {@code create} is false. Allocates only when a new index is assigned.
     *
     * @throws IllegalStateException if the cache has handed out every index
     */
    public int diskIndex(String diskId, long contentVersion, boolean create) {
        String key = contentVersion == 0 ? diskId : diskId + "@v" + contentVersion;
        Integer index = indexes.get(key);
        if (index != null || !create) {
            return index == null ? -1 : index;
        }
        lock.lock();
        try {
            index = indexes.get(key);
            if (index == null) {
                if (nextIndex > BlockKeys.MAX_DISK_INDEX) {
                    throw new IllegalStateException("cache " + name + " has used all " + (BlockKeys.MAX_DISK_INDEX + 1) + " disk indexes");
                }
                index = nextIndex++;
                indexes.put(key, index);
            }
            return index;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean read(String diskId, long block, ByteBuffer dst) {
        int index = diskIndex(diskId, 0, false);
        if (index < 0) {
            lookups.increment(MISSES);
            return false;
        }
        if (read(index, block, dst, dst.position())) {
            dst.position(dst.position() + blockSize);
            return true;
        }
        return false;
    }

    @Override
    public void put(String diskId, long block, ByteBuffer src) {
        put(diskIndex(diskId, 0, true), block, src, src.position());
    }

    @Override
    public void invalidate(String diskId, long block) {
        int index = diskIndex(diskId, 0, false);
        if (index >= 0) {
            invalidate(index, block);
        }
    }

    /**
     * Copies a cached block into {@code dst} at {@code dstIndex} (absolute; the position is not
     * touched). On a miss, {@code dst} holds zeros or its old bytes there, never another block's.
     * Allocates nothing.
     *
     * @return whether it was a hit
     */
    public boolean read(int diskIndex, long block, ByteBuffer dst, int dstIndex) {
        long key = BlockKeys.key(diskIndex, block);
        State s = state;
        if (s != null) {
            int slot = s.policy.concurrent() ? s.policy.lookup(key) : lookupSerialized(s, key);
            if (slot >= 0) {
                long before = s.sequences.get(slot);
                if ((before & 1) == 0 && s.keys[slot] == key) {
                    dst.put(dstIndex, s.buffers[slot], 0, blockSize);
                    VarHandle.loadLoadFence();
                    if (s.sequences.get(slot) == before) {
                        s.lastUse[slot] = clock;
                        lookups.increment(HITS);
                        return true;
                    }
                    zero(dst, dstIndex);
                }
            }
            if (referenceCount > 0 && readBack(key, dst, dstIndex)) {
                return true;
            }
        }
        lookups.increment(MISSES);
        return false;
    }

    /**
     * A lookup under the cache's lock, for policies that are not {@link EvictionPolicy#concurrent()}:
     * their lookups reorder lists that admissions change too (LRU, ARC, 2Q), so the hit is not
     * lock-free with them; the default two-phase policy is concurrent.
     */
    private int lookupSerialized(State s, long key) {
        lock.lock();
        try {
            return s.policy.lookup(key);
        } finally {
            lock.unlock();
        }
    }

    /** Reads a block back through its reclaimable reference, if it has one and the frame is intact. */
    private boolean readBack(long key, ByteBuffer dst, int dstIndex) {
        lock.lock();
        try {
            int i = refs.indexOf(key);
            if (i < 0) {
                return false;
            }
            boolean intact = memory.readIfUnchanged(refs.frame(i), refs.generation(i), dst, dstIndex, blockSize);
            refs.remove(key);
            referenceCount = refs.size();
            if (!intact) {
                return false;
            }
            reclaimed.increment();
            lookups.increment(HITS);
            store(key, dst, dstIndex);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Caches {@link #blockSize()} bytes of {@code src} from {@code srcIndex} (absolute) as block {@code block} of the disk with cache index {@code diskIndex}. */
    public void put(int diskIndex, long block, ByteBuffer src, int srcIndex) {
        long key = BlockKeys.key(diskIndex, block);
        lock.lock();
        try {
            if (referenceCount > 0 && refs.remove(key)) {
                referenceCount = refs.size();
            }
            store(key, src, srcIndex);
        } finally {
            lock.unlock();
        }
    }

    private void store(long key, ByteBuffer src, int srcIndex) {
        State s = state;
        if (s == null) {
            return;
        }
        int slot = s.policy.lookup(key);
        if (slot < 0) {
            slot = s.policy.admit(key);
            if (slot < 0) {
                return;
            }
            insertions.increment();
        }
        s.sequences.incrementAndGet(slot);        // odd: readers of this slot will miss
        VarHandle.storeStoreFence();
        s.keys[slot] = key;
        s.buffers[slot].put(0, src, srcIndex, blockSize);
        s.lastUse[slot] = ++clock;
        s.sequences.incrementAndGet(slot);        // even: the slot holds key's bytes
    }

    /** Drops a block of the disk with cache index {@code diskIndex}. */
    public void invalidate(int diskIndex, long block) {
        long key = BlockKeys.key(diskIndex, block);
        lock.lock();
        try {
            if (referenceCount > 0 && refs.remove(key)) {
                referenceCount = refs.size();
            }
            State s = state;
            if (s != null && s.policy.invalidate(key)) {
                invalidations.increment();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops every block of the disk with cache index {@code diskIndex} (e.g. after a trim of a large range). */
    public void invalidateAll(int diskIndex) {
        lock.lock();
        try {
            invalidateWhere(key -> BlockKeys.diskIndex(key) == diskIndex);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void invalidateDisk(String diskId) {
        lock.lock();
        try {
            List<Integer> gone = new ArrayList<>();
            indexes.entrySet().removeIf(e -> {
                boolean match = e.getKey().equals(diskId) || e.getKey().startsWith(diskId + "@v");
                if (match) {
                    gone.add(e.getValue());
                }
                return match;
            });
            if (gone.isEmpty()) {
                return;
            }
            int[] goneIndexes = gone.stream().mapToInt(Integer::intValue).sorted().toArray();
            invalidateWhere(key -> Arrays.binarySearch(goneIndexes, BlockKeys.diskIndex(key)) >= 0);
        } finally {
            lock.unlock();
        }
    }

    /** Drops every cached block and reclaimable reference whose key matches (under the lock). */
    private void invalidateWhere(LongPredicate matches) {
        refs.removeIf(matches);
        referenceCount = refs.size();
        State s = state;
        if (s != null) {
            for (long key : s.keys) {
                if (key >= 0 && matches.test(key) && s.policy.invalidate(key)) {
                    invalidations.increment();
                }
            }
        }
    }

    @Override
    public CacheStats stats() {
        State s = state;
        return new CacheStats(lookups.sum(HITS), lookups.sum(MISSES), insertions.sum(), evictions.sum(), invalidations.sum(),
                s == null ? 0 : s.policy.size(), s == null ? 0 : s.capacity, blockSize);
    }

    /**
     * Changes the number of slots. Growing takes frames from the host (all or nothing); shrinking
     * keeps the most recently used blocks and gives the other frames back to the host, keeping a
     * reclaimable reference for each block that was cached in them.
     *
     * @throws IllegalArgumentException if {@code blocks} is not positive or the host cannot give
     *                                  the frames (the cache is unchanged then)
     */
    public void resize(int blocks) {
        lock.lock();
        try {
            State old = state;
            int oldCapacity = old == null ? 0 : old.capacity;
            if (blocks <= 0) {
                throw new IllegalArgumentException("cache " + name + ": size must be at least one block of " + blockSize + " bytes");
            }
            long hostBytes = memory.totalFrames() * memory.frameSize();
            if ((long) blocks * blockSize > hostBytes) {
                throw new IllegalArgumentException("cache " + name + ": size " + ByteSize.ofBytes((long) blocks * blockSize)
                        + " is beyond the memory of host " + host + " (" + ByteSize.ofBytes(hostBytes) + ")");
            }
            EvictionPolicy policy = policyFactory.create(blocks, (key, slot) -> evictions.increment());
            PageFrame[] fresh = takeFrames(Math.max(0, blocks - oldCapacity));
            PageFrame[] frames = new PageFrame[blocks];
            List<PageFrame> giveBack = new ArrayList<>();
            List<long[]> references = new ArrayList<>();
            long[] keys = new long[blocks];
            Arrays.fill(keys, -1L);
            long[] lastUse = new long[blocks];
            if (old != null) {
                // resident blocks, most recently used first
                Integer[] resident = residentSlots(old);
                boolean[] moved = new boolean[oldCapacity];
                for (int slot : resident) {
                    int to = policy.size() < blocks ? policy.admit(old.keys[slot]) : -1;
                    if (to >= 0) {
                        frames[to] = old.frames[slot];
                        keys[to] = old.keys[slot];
                        lastUse[to] = old.lastUse[slot];
                        moved[slot] = true;
                    }
                }
                // the frames of empty slots first fill the new state's empty slots, then those of evicted blocks
                List<Integer> spare = new ArrayList<>();
                List<Integer> evicted = new ArrayList<>();
                boolean[] isResident = new boolean[oldCapacity];
                for (int slot : resident) {
                    isResident[slot] = true;
                }
                for (int slot = 0; slot < oldCapacity; slot++) {
                    if (!moved[slot]) {
                        (isResident[slot] ? evicted : spare).add(slot);
                    }
                }
                spare.addAll(evicted);
                int next = 0;
                for (int to = 0; to < blocks; to++) {
                    if (frames[to] == null && next < spare.size()) {
                        frames[to] = old.frames[spare.get(next++)];
                    }
                }
                for (int i = next; i < spare.size(); i++) {
                    int slot = spare.get(i);
                    giveBack.add(old.frames[slot]);
                    if (isResident[slot]) {
                        references.add(new long[] {old.keys[slot], old.frames[slot].number(), old.frames[slot].generation()});
                        evictions.increment();
                    }
                }
            }
            int f = 0;
            for (int to = 0; to < blocks; to++) {
                if (frames[to] == null) {
                    frames[to] = fresh[f++];
                }
            }
            State next = new State(policy, frames);
            System.arraycopy(keys, 0, next.keys, 0, blocks);
            System.arraycopy(lastUse, 0, next.lastUse, 0, blocks);
            if (old != null) {
                old.retire();
            }
            state = next;
            for (PageFrame frame : giveBack) {
                memory.free(frame);
            }
            for (long[] ref : references) {
                refs.put(ref[0], ref[1], ref[2]);
            }
            referenceCount = refs.size();
        } finally {
            lock.unlock();
        }
    }

    /** The slots whose block is resident, most recently used first. */
    private static Integer[] residentSlots(State s) {
        List<Integer> slots = new ArrayList<>();
        for (int slot = 0; slot < s.capacity; slot++) {
            long key = s.keys[slot];
            if (key >= 0 && s.policy.lookup(key) == slot) {
                slots.add(slot);
            }
        }
        Integer[] sorted = slots.toArray(new Integer[0]);
        Arrays.sort(sorted, Comparator.comparingLong((Integer slot) -> s.lastUse[slot]).reversed());
        return sorted;
    }

    private PageFrame[] takeFrames(int count) {
        PageFrame[] frames = new PageFrame[count];
        for (int i = 0; i < count; i++) {
            try {
                frames[i] = memory.allocate();
            } catch (OutOfFramesException e) {
                for (int j = 0; j < i; j++) {
                    memory.free(frames[j]);
                }
                throw new IllegalArgumentException("cache " + name + ": host " + host + " has only "
                        + ByteSize.ofBytes((long) i * blockSize) + " of free memory, " + ByteSize.ofBytes((long) count * blockSize)
                        + " needed", e);
            }
        }
        return frames;
    }

    /** Gives every frame back to the host and drops all references; the cache misses from now on. */
    public void close() {
        lock.lock();
        try {
            State s = state;
            if (s == null) {
                return;
            }
            s.retire();
            state = null;
            for (PageFrame frame : s.frames) {
                try {
                    memory.free(frame);
                } catch (IllegalArgumentException hostAlreadyGone) {
                    // the host released its memory first: nothing left to give back
                    break;
                }
            }
            refs.clear();
            referenceCount = 0;
        } finally {
            lock.unlock();
        }
    }

    private void zero(ByteBuffer dst, int index) {
        for (int i = 0; i < blockSize; i += Long.BYTES) {
            dst.putLong(index + i, 0L);
        }
    }

    @Override
    public String toString() {
        return "block cache " + name + " on " + host;
    }
}
