package io.vstack.storage.pool.internal;

import io.vstack.api.ByteSize;
import io.vstack.api.hw.DeviceFaultException;
import io.vstack.api.hw.SimulationKnobs;
import io.vstack.api.storage.BackendUnavailableException;
import io.vstack.api.storage.CapacityExceededException;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreExistsException;
import io.vstack.api.storage.StoreNotFoundException;
import io.vstack.api.storage.StoreSpec;
import io.vstack.storage.pool.internal.PoolState.StoreMap;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One elastic temporary pool (US10241709): a real pool file whose blocks the temporary disks of
 * many VMs take on their first write and give back on delete or trim.
 * <p><b>No byte of one disk is ever visible to another.</b> A disk reads only the pool blocks it
 * maps; a block is mapped only after it was zeroed or fully overwritten: a block never handed out
 * since the pool was made (at or above the durable <em>clean boundary</em>, still a hole of the
 * sparse file) needs nothing; any other is written whole, the new data merged into zeros. The
 * clean boundary moves up in steps, each committed before a block beyond the old one is handed out,
 * so a crash cannot make a used block look clean. A returned block is not handed out again
 * before the commit that records its return is durable (as dm-thin does), so a crash cannot give
 * it back to its old owner with a new owner's data in it.
 * <p><b>Durability.</b> Allocations are committed with the disk's flush (the pool file is fsynced
 * first, then the log), on delete, and when the clean boundary moves: a write is durable once a
 * later flush returns, as for any store. See {@link PoolLog} for the files.
 * <p><b>Threads.</b> Thread-safe. The pool lock guards the allocation state; a store's stripe
 * locks order a virtual block's first write against its readers (lock order: stripe, then pool).
 */
final class TempPool implements AutoCloseable {

    /** Flag on what {@link #allocate} returns: the block is clean (reads as zero), so a partial write needs no zeroing. */
    static final long CLEAN_FLAG = 1L << 62;

    private static final Logger LOG = LoggerFactory.getLogger(TempPool.class);
    private static final long CLEAN_STEP = 1024;
    /** Log bytes after which a commit writes a snapshot and starts a fresh log. */
    static final long CHECKPOINT_BYTES = 4L << 20;

    private final String backend;
    private final PoolSpec spec;
    private final SimulationKnobs knobs;
    private final FileChannel data;
    private final PoolLog log;
    private final PoolState state;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private final List<PoolState.Record> pending = new ArrayList<>();
    private final BitSet pendingFree = new BitSet();
    private final BitSet inFlight = new BitSet();
    private final String prefix;
    private final long checkpointBytes;
    private volatile Duration queueTimeout;
    private volatile long usedCount;
    private volatile int pendingFreeCount;
    private long handed;
    private int hint;
    private volatile boolean lowWater;
    private boolean closed;

    // Figures, read by the metric source without the lock.
    final LongAdder allocations = new LongAdder();
    final LongAdder returned = new LongAdder();
    final LongAdder quotaRefusals = new LongAdder();
    final LongAdder fullRefusals = new LongAdder();
    final LongAdder fullWaits = new LongAdder();
    final LongAdder lowWaterEvents = new LongAdder();
    final LongAdder commits = new LongAdder();

    private TempPool(String backend, PoolSpec spec, SimulationKnobs knobs, FileChannel data, PoolLog log, PoolState state,
                     Duration queueTimeout, long checkpointBytes) {
        this.backend = backend;
        this.checkpointBytes = checkpointBytes;
        this.spec = spec;
        this.knobs = knobs;
        this.data = data;
        this.log = log;
        this.state = state;
        this.queueTimeout = queueTimeout;
        this.prefix = backend + ": pool " + spec.name();
        this.usedCount = state.used.cardinality();
        this.handed = state.clean;
        this.lowWater = free() <= spec.lowWater();
    }

    /**
     * Makes a new pool: the pool file (sparse: nothing is written) and empty metadata.
     *
     * @throws StorageException naming the file if it exists or cannot be made
     */
    static TempPool create(String backend, PoolSpec spec, SimulationKnobs knobs, Duration queueTimeout)
            throws StorageException {
        Path file = spec.file();
        try {
            if (Files.exists(file) && Files.size(file) > 0) {
                throw new StoreExistsException(backend + ": pool " + spec.name() + ": file " + file + " exists already");
            }
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(spec.size());
                raf.getFD().sync();
            }
            PoolLog.initialize(file, new PoolState(spec.blockSize(), spec.blocks()));
        } catch (StorageException e) {
            throw e;
        } catch (IOException e) {
            throw new StorageException(backend + ": pool " + spec.name() + ": cannot create " + file + ": " + e.getMessage(), e);
        }
        LOG.info("Created pool {}: {} in blocks of {} at {} (sparse)", spec.name(), ByteSize.ofBytes(spec.size()),
                ByteSize.ofBytes(spec.blockSize()), file);
        return open(backend, spec, knobs, queueTimeout);
    }

    /**
     * Opens a pool: checks the pool file's size and replays its metadata.
     *
     * @throws StorageException naming the file and the reason if it is missing, truncated or corrupt
     */
    static TempPool open(String backend, PoolSpec spec, SimulationKnobs knobs, Duration queueTimeout)
            throws StorageException {
        return open(backend, spec, knobs, queueTimeout, CHECKPOINT_BYTES);
    }

    /** As {@link #open(String, PoolSpec, SimulationKnobs, Duration)}, checkpointing after {@code checkpointBytes} of log. */
    static TempPool open(String backend, PoolSpec spec, SimulationKnobs knobs, Duration queueTimeout, long checkpointBytes)
            throws StorageException {
        String what = backend + ": pool " + spec.name() + ": ";
        Path file = spec.file();
        FileChannel data = null;
        PoolLog log = null;
        try {
            if (!Files.isRegularFile(file)) {
                throw new StorageException(what + "pool file " + file + " is missing");
            }
            data = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (data.size() != spec.size()) {
                throw new StorageException(what + "pool file " + file + " is " + (data.size() < spec.size() ? "truncated" : "too long")
                        + ": " + data.size() + " bytes, expected " + spec.size());
            }
            PoolState[] state = new PoolState[1];
            log = PoolLog.open(file, spec.blockSize(), spec.blocks(), state);
            return new TempPool(backend, spec, knobs, data, log, state[0], queueTimeout, checkpointBytes);
        } catch (StorageException | RuntimeException e) {
            closeQuietly(data);
            closeQuietly(log);
            throw e;
        } catch (IOException e) {
            closeQuietly(data);
            closeQuietly(log);
            throw new StorageException(what + "metadata unreadable: " + e.getMessage(), e);
        }
    }

    String name() {
        return spec.name();
    }

    PoolSpec spec() {
        return spec;
    }

    void queueTimeout(Duration timeout) {
        this.queueTimeout = timeout;
    }

    FileChannel data() {
        return data;
    }

    /** The message prefix: {@code pool: pool <name>}. */
    String prefix() {
        return prefix;
    }

    /** Blocks free now (a volatile read: for figures, without the lock). */
    long free() {
        return spec.blocks() - usedCount;
    }

    /** Blocks taken now. */
    long used() {
        return usedCount;
    }

    /** Whether free blocks are at or below the low-water mark. */
    boolean lowWater() {
        return lowWater;
    }

    // Stores

    boolean has(String id) {
        lock.lock();
        try {
            return state.stores.containsKey(id);
        } finally {
            lock.unlock();
        }
    }

    List<String> storeIds() {
        lock.lock();
        try {
            return List.copyOf(state.stores.keySet());
        } finally {
            lock.unlock();
        }
    }

    /** Records a new store (committed at once). */
    PoolStore createStore(StoreSpec s) throws StorageException {
        if (s.capacity() > spec.size()) {
            throw new CapacityExceededException(backend + ": no room for store " + s.id() + " of "
                    + ByteSize.ofBytes(s.capacity()).toHumanString() + ": pool " + spec.name() + " holds "
                    + ByteSize.ofBytes(spec.size()).toHumanString());
        }
        lock.lock();
        try {
            checkOpen();
            if (state.stores.containsKey(s.id())) {
                throw new StoreExistsException(backend + ": store " + s.id() + " exists already in pool " + spec.name());
            }
            PoolState.Create create = new PoolState.Create(s.id(), s.capacity(), s.blockSize(), s.host());
            state.apply(create);
            pending.add(create);
            commitLocked();
            return new PoolStore(this, state.stores.get(s.id()));
        } finally {
            lock.unlock();
        }
    }

    PoolStore openStore(String id) throws StorageException {
        lock.lock();
        try {
            checkOpen();
            StoreMap s = state.stores.get(id);
            if (s == null) {
                throw new StoreNotFoundException(backend + ": no store " + id + " in pool " + spec.name());
            }
            return new PoolStore(this, s);
        } finally {
            lock.unlock();
        }
    }

    /** Deletes a store: its blocks return to the pool once the deletion is durable, which is before this returns. */
    void deleteStore(String id) throws StorageException {
        lock.lock();
        try {
            checkOpen();
            StoreMap s = state.stores.remove(id);
            if (s == null) {
                throw new StoreNotFoundException(backend + ": no store " + id + " to delete in pool " + spec.name());
            }
            s.deleted = true;
            long[] blocks = s.blocks;
            for (int v = 0; v < blocks.length; v++) {
                if (blocks[v] != PoolState.UNMAPPED) {
                    pendingFree.set((int) blocks[v]);
                    pendingFreeCount++;
                    blocks[v] = PoolState.UNMAPPED;
                }
            }
            s.mapped = 0;
            pending.add(new PoolState.Delete(id));
            commitLocked();
        } finally {
            lock.unlock();
        }
        LOG.info("Deleted store {} from pool {}", id, spec.name());
    }

    // Allocation, called under the store's stripe write lock

    /**
     * Takes a free block for {@code store}'s virtual block. The caller zeroes or fully overwrites it,
     * then {@link #publish}es it, or {@link #abandon}s it if that write failed.
     *
     * @return the pool block, with {@link #CLEAN_FLAG} set if it reads as zero already
     * @throws CapacityExceededException naming the store and the quota, or the pool being full
     */
    long allocate(StoreMap store) throws StorageException {
        lock.lock();
        try {
            checkOpen();
            if (store.mapped + store.inFlight >= spec.quotaBlocks()) {
                quotaRefusals.increment();
                throw new CapacityExceededException(backend + ": store " + store.id + ": quota of "
                        + ByteSize.ofBytes(spec.quota()) + " reached in pool " + spec.name());
            }
            long deadline = 0;
            while (true) {
                int p = state.used.nextClearBit(hint);
                if (p >= spec.blocks() && hint > 0) {
                    p = state.used.nextClearBit(0);
                }
                if (p < spec.blocks()) {
                    boolean clean = p >= handed;
                    if (p >= state.clean) {
                        // Move the clean boundary past p durably before p's first byte is written.
                        PoolState.Clean step = new PoolState.Clean(Math.min(spec.blocks(), (long) p + CLEAN_STEP));
                        state.apply(step);
                        pending.add(step);
                        commitLocked();
                    }
                    if (p >= handed) {
                        handed = p + 1L;
                    }
                    state.used.set(p);
                    inFlight.set(p);
                    usedCount++;
                    hint = p + 1;
                    store.inFlight++;
                    allocations.increment();
                    noteLowWater();
                    return clean ? p | CLEAN_FLAG : p;
                }
                if (pendingFreeCount > 0) {
                    commitLocked();   // returned blocks become free once their return is durable
                    continue;
                }
                if (spec.onFull() == PoolSpec.OnFull.ERROR) {
                    fullRefusals.increment();
                    throw new CapacityExceededException(prefix + " is full: no free block for store " + store.id
                            + " (--on-full error)");
                }
                long now = System.nanoTime();
                if (deadline == 0) {
                    fullWaits.increment();
                    deadline = now + queueTimeout.toNanos();
                }
                if (now - deadline >= 0) {
                    fullRefusals.increment();
                    throw new CapacityExceededException(prefix + " is full: no free block for store " + store.id
                            + " after waiting " + queueTimeout.toMillis() + " ms (--on-full queue)");
                }
                try {
                    freed.awaitNanos(deadline - now);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StorageException(prefix + ": wait for a free block for store " + store.id + " interrupted", e);
                }
                checkOpen();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Maps a block taken by {@link #allocate} whose content is now written. */
    void publish(StoreMap store, int vblock, long pblock) {
        lock.lock();
        try {
            store.inFlight--;
            inFlight.clear((int) pblock);
            if (store.deleted) {
                // Deleted while its first write ran: the block goes straight back (it was never recorded).
                state.used.clear((int) pblock);
                usedCount--;
                return;
            }
            store.blocks[vblock] = pblock;
            store.mapped++;
            pending.add(new PoolState.MapBlock(store.id, vblock, pblock));
        } finally {
            lock.unlock();
        }
    }

    /** Gives back a block taken by {@link #allocate} whose write failed; it was never mapped nor recorded. */
    void abandon(StoreMap store, long pblock) {
        lock.lock();
        try {
            store.inFlight--;
            inFlight.clear((int) pblock);
            state.used.clear((int) pblock);
            usedCount--;
            hint = Math.min(hint, (int) pblock);
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Returns a mapped block (trim); it is free once the return is committed. */
    void release(StoreMap store, int vblock) {
        lock.lock();
        try {
            long p = store.blocks[vblock];
            if (p == PoolState.UNMAPPED) {
                return;
            }
            store.blocks[vblock] = PoolState.UNMAPPED;
            store.mapped--;
            pendingFree.set((int) p);
            pendingFreeCount++;
            pending.add(new PoolState.Unmap(store.id, vblock, p));
        } finally {
            lock.unlock();
        }
    }

    // Commit

    /** Makes every write and allocation so far durable: the pool file first, then the log. */
    void commit() throws StorageException {
        lock.lock();
        try {
            checkOpen();
            commitLocked();
        } finally {
            lock.unlock();
        }
    }

    private void commitLocked() throws StorageException {
        simulate("commit");
        try {
            // Data first: a mapping must never become durable before the bytes it points to.
            data.force(false);
            if (!pending.isEmpty()) {
                log.append(pending);
                pending.clear();
            }
            commits.increment();
        } catch (IOException e) {
            throw new StorageException(prefix + ": commit failed: " + e.getMessage(), e);
        }
        if (pendingFreeCount > 0) {
            returned.add(pendingFreeCount);
            usedCount -= pendingFreeCount;
            state.used.andNot(pendingFree);
            hint = Math.min(hint, pendingFree.nextSetBit(0));
            pendingFree.clear();
            pendingFreeCount = 0;
            noteLowWater();
            freed.signalAll();
        }
        if (log.logBytes() > checkpointBytes) {
            checkpointLocked();
        }
    }

    private void checkpointLocked() throws StorageException {
        // The snapshot holds committed state only: blocks taken by first writes still in flight are
        // set in the bitmap but recorded nowhere yet, so they are left out of it.
        state.used.andNot(inFlight);
        try {
            log.checkpoint(state);
        } catch (IOException e) {
            throw new StorageException(prefix + ": checkpoint failed: " + e.getMessage(), e);
        } finally {
            state.used.or(inFlight);
        }
    }

    private void noteLowWater() {
        boolean low = free() <= spec.lowWater();
        if (low && !lowWater) {
            lowWaterEvents.increment();
            LOG.warn("Pool {} is at its low-water mark: {} blocks free, mark {}", spec.name(), free(), spec.lowWater());
        } else if (!low && lowWater) {
            LOG.info("Pool {} is above its low-water mark again: {} blocks free", spec.name(), free());
        }
        lowWater = low;
    }

    // Information and checking

    PoolInfo info() {
        lock.lock();
        try {
            List<PoolInfo.DiskUsage> disks = new ArrayList<>();
            for (StoreMap s : state.stores.values()) {
                disks.add(new PoolInfo.DiskUsage(s.id, s.host, s.capacity, s.mapped));
            }
            return new PoolInfo(spec.name(), spec.file(), spec.blockSize(), spec.blocks(), usedCount, free(), pendingFreeCount,
                    spec.lowWater(), lowWater, lowWaterEvents.sum(), spec.quota(), spec.onFull(), disks);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks the committed metadata as it is on disk: no pool block owned twice, none owned but
     * marked free, none beyond the clean boundary, none marked used that no one owns (leaked).
     * With {@code repair}, leaked blocks are freed and owned ones marked, durably; a block owned
     * twice is reported, never guessed at.
     */
    PoolCheck check(boolean repair) throws StorageException {
        lock.lock();
        try {
            checkOpen();
            commitLocked();
            PoolState onDisk;
            try {
                onDisk = PoolLog.read(spec.file(), spec.blockSize(), spec.blocks());
            } catch (IOException e) {
                throw new StorageException(prefix + ": metadata unreadable: " + e.getMessage(), e);
            }
            PoolCheck check = PoolCheck.of(spec.name(), onDisk);
            if (repair && (!check.leaked().isEmpty() || !check.unmarked().isEmpty())) {
                for (long p : check.leaked()) {
                    if (!pendingFree.get((int) p)) {
                        state.used.clear((int) p);
                        usedCount--;
                    }
                    pending.add(new PoolState.Free(p));
                }
                for (long p : check.unmarked()) {
                    if (!state.used.get((int) p)) {
                        state.used.set((int) p);
                        usedCount++;
                    }
                    pending.add(new PoolState.Mark(p));
                }
                commitLocked();
                hint = 0;
                noteLowWater();
                freed.signalAll();
                LOG.warn("Pool {} repaired: {} leaked blocks freed, {} owned blocks marked used", spec.name(),
                        check.leaked().size(), check.unmarked().size());
                return check.asRepaired();
            }
            return check;
        } finally {
            lock.unlock();
        }
    }

    // Support for the stores

    /** Passes the simulated device's knobs, if the pool file lives on one. */
    void simulate(String op) throws StorageException {
        if (knobs == null) {
            return;
        }
        try {
            knobs.beforeOperation(op);
        } catch (DeviceFaultException e) {
            String message = prefix + ": " + e.getMessage();
            throw knobs.down() ? new BackendUnavailableException(message, e) : new StorageException(message, e);
        }
    }

    private void checkOpen() throws StorageException {
        if (closed) {
            throw new BackendUnavailableException(prefix + " is closed");
        }
    }

    /** Commits, writes a snapshot, and closes the files. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            try {
                commitLocked();
                checkpointLocked();
            } catch (StorageException e) {
                LOG.warn("Pool {}: closing without a final checkpoint ({}); the log has every commit", spec.name(), e.getMessage());
            }
            closed = true;
            freed.signalAll();
            closeQuietly(data);
            closeQuietly(log);
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing after the data is committed: nothing to recover
            }
        }
    }
}
