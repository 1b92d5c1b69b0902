package io.vstack.disks.internal;

import io.vstack.api.disk.DiskChain;
import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskInfo;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.filter.FilterAttachment;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.io.IoException;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricSource;
import io.vstack.api.metrics.ThreadCounters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One virtual disk at run time: its metadata, its current {@link Chain}, its open store and its
 * linked filters. Chain changes (link, unlink, store open, delete) are serialized by the disk's
 * lock; I/O takes no lock.
 */
final class DiskRuntime implements VirtualDisk, MetricSource {

    private static final Logger LOG = LoggerFactory.getLogger(DiskRuntime.class);

    final String id;
    private final DiskService service;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Stage> linked = new ConcurrentHashMap<>(); // written under the lock
    private final AtomicInteger handles = new AtomicInteger();
    private volatile DiskMetadata metadata;
    private volatile Chain chain;
    private volatile String immutableReason;
    private ChainStore store;
    private final DiskChain liveChain = new LiveChain();

    /** Fields of {@link #io}. */
    static final int READS = 0;
    static final int WRITES = 1;
    static final int BYTES_READ = 2;
    static final int BYTES_WRITTEN = 3;
    static final int FLUSHES = 4;
    static final int TRIMS = 5;
    static final int ERRORS = 6;
    /** I/O counts, added on every request (cheap per-thread cells, not a LongAdder's CAS). */
    final ThreadCounters io = new ThreadCounters(7);

    DiskRuntime(DiskService service, DiskMetadata metadata) {
        this.service = service;
        this.id = metadata.id();
        this.metadata = metadata;
        this.chain = Chain.of(id, metadata.capacity(), List.of(), null);
    }

    /** Why writes to this disk are refused (it has children), or null if it is writable. */
    String immutableReason() {
        return immutableReason;
    }

    void immutableReason(String reason) {
        this.immutableReason = reason;
    }

    /** The disk's chain of disks, live: what {@link io.vstack.api.filter.FilterContext#chain()} returns. */
    DiskChain liveChain() {
        return liveChain;
    }

    DiskMetadata metadata() {
        return metadata;
    }

    void metadata(DiskMetadata updated) {
        this.metadata = updated;
    }

    ReentrantLock lock() {
        return lock;
    }

    int openHandles() {
        return handles.get();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public DiskInfo info() {
        DiskMetadata m = metadata;
        return new DiskInfo(id, m.capacity(), m.blockSize(), m.backend(), m.owner(), m.parent(), attachments(), handles.get());
    }

    /** The attachments in chain order, active or not. */
    List<FilterAttachment> attachments() {
        DiskMetadata m = metadata;
        Stage[] current = chain.stages;
        List<FilterAttachment> result = new ArrayList<>();
        for (DiskMetadata.Attachment a : m.filters()) {
            boolean active = false;
            for (Stage s : current) {
                active |= s.name.equals(a.name());
            }
            Stage s = linkedStage(a.name());
            result.add(new FilterAttachment(id, s != null ? s.descriptor : a.descriptor(), a.config(), active));
        }
        result.sort((x, y) -> Stage.ORDER.compare(x.descriptor(), y.descriptor()));
        return result;
    }

    private Stage linkedStage(String name) {
        return linked.get(name);
    }

    /** The linked stages, for reports. */
    List<Stage> stages() {
        return List.copyOf(linked.values());
    }

    @Override
    public DiskHandle open(String origin) throws IoException {
        return openHandle(origin, null);
    }

    @Override
    public DiskHandle openAt(String origin, String targetFilter) throws IoException {
        DiskMetadata.Attachment target = metadata.filter(targetFilter).orElseThrow(() -> new IllegalArgumentException(
                "filter " + targetFilter + " is not attached to disk " + id));
        Stage s = linkedStage(targetFilter);
        return openHandle(origin, s != null ? s.descriptor : target.descriptor());
    }

    private DiskHandle openHandle(String origin, io.vstack.api.filter.FilterDescriptor target) throws IoException {
        Chain c = chain;
        if (c.dead != null) {
            throw new DiskUnavailableException(c.dead);
        }
        ensureStore();
        handles.incrementAndGet();
        return new Handle(this, service, origin == null ? "" : origin, target);
    }

    void handleClosed() {
        handles.decrementAndGet();
    }

    /**
     * Runs one request through the current chain: the hot path. Holds at a barrier, counts
     * itself into the chain (and re-checks that it is still current), runs, counts out.
     */
    void execute(IoContext request, Handle handle) throws IoException {
        for (;;) {
            Chain c = chain;
            if (c.hold != null) {
                awaitUninterruptibly(c.hold);
                continue;
            }
            if (c.dead != null) {
                throw new DiskUnavailableException(c.dead);
            }
            if (c.store == null) {
                ensureStore();
                continue;
            }
            c.inFlight.incrementAndGet();
            if (chain != c) {
                c.exit();
                continue;
            }
            try {
                int entry = handle.entry(c);
                request.begin(c, entry);
                c.run(entry, request);
                return;
            } finally {
                request.end();
                c.exit();
            }
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Opens the store on its backend if it is not open. */
    void ensureStore() throws IoException {
        lock.lock();
        try {
            if (chain.dead != null) {
                throw new DiskUnavailableException(chain.dead);
            }
            if (store != null) {
                return;
            }
            store = service.chains().open(this);
            publish(false);
        } finally {
            lock.unlock();
        }
    }

    /** Closes the store (its backend went away), letting in-flight requests finish first. Caller holds no lock. */
    void closeStore() {
        lock.lock();
        try {
            if (store == null) {
                return;
            }
            ChainStore old = store;
            store = null;
            publish(true);
            old.close();
        } finally {
            lock.unlock();
        }
    }

    /** Links a filter; waits until no request runs in the chain without it. Caller holds the lock. */
    void link(Stage stage) {
        linked.put(stage.name, stage);
        publish(false);
        LOG.debug("disk {}: filter {} linked", id, stage.name);
    }

    /**
     * Unlinks a filter and waits for its in-flight requests to finish; with {@code hold}, new I/O
     * waits meanwhile instead of bypassing it. Then closes the filter. Caller holds the lock.
     */
    Stage unlink(String name, boolean hold) {
        Stage stage = linked.remove(name);
        if (stage == null) {
            return null;
        }
        publish(hold);
        try {
            stage.filter.close();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("disk {}: filter {} failed to close: {}", id, name, e.toString(), e);
        }
        return stage;
    }

    /**
     * Publishes a chain of the current stages and store and drains the old one. With
     * {@code hold}, entering I/O waits at a barrier until the old chain is drained. Caller holds the lock.
     */
    private void publish(boolean hold) {
        Chain old = chain;
        Chain next = Chain.of(id, metadata.capacity(), List.copyOf(linked.values()), store);
        if (hold) {
            CountDownLatch latch = new CountDownLatch(1);
            chain = Chain.barrier(old, latch);
            try {
                drain(old);
            } finally {
                chain = next;
                latch.countDown();
            }
        } else {
            chain = next;
            drain(old);
        }
    }

    private void drain(Chain old) {
        old.drain(service.timeoutNanos(), () -> LOG.warn("disk {}: waiting longer than {} for {} in-flight request(s) "
                + "to leave the old filter chain; filter:list shows which filter holds them", id,
                service.timeoutText(), old.inFlight.get()));
    }

    /**
     * Replaces every linked filter by the one {@code recreate} makes (for a new owner host): new
     * I/O waits at a barrier, in-flight requests drain, the old filters close, the new ones are
     * created and published together, then the held I/O goes on. A filter that cannot be
     * re-created stays attached but inactive; its name is returned. Caller holds the lock.
     */
    List<String> relinkAll(java.util.function.Function<Stage, Stage> recreate) {
        List<String> failed = new ArrayList<>();
        Chain old = chain;
        CountDownLatch latch = new CountDownLatch(1);
        chain = Chain.barrier(old, latch);
        try {
            drain(old);
            List<Stage> previous = List.copyOf(linked.values());
            for (Stage s : previous) {
                try {
                    s.filter.close();
                } catch (RuntimeException | LinkageError e) {
                    LOG.warn("disk {}: filter {} failed to close: {}", id, s.name, e.toString(), e);
                }
                linked.remove(s.name);
                try {
                    linked.put(s.name, recreate.apply(s));
                } catch (RuntimeException e) {
                    failed.add(s.name);
                    LOG.warn("disk {}: filter {} cannot be re-created; it stays inactive: {}", id, s.name, e.getMessage(), e);
                }
            }
        } finally {
            chain = Chain.of(id, metadata.capacity(), List.copyOf(linked.values()), store);
            latch.countDown();
        }
        return failed;
    }

    /** Kills the disk: new I/O fails with {@code reason}, in-flight I/O finishes, filters and store close. */
    void kill(String reason) {
        lock.lock();
        try {
            Chain old = chain;
            chain = Chain.dead(id, metadata.capacity(), reason);
            drain(old);
            for (Stage s : linked.values()) {
                try {
                    s.filter.close();
                } catch (RuntimeException | LinkageError e) {
                    LOG.warn("disk {}: filter {} failed to close: {}", id, s.name, e.toString(), e);
                }
            }
            linked.clear();
            if (store != null) {
                store.close();
                store = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The stage whose factory is {@code factory}'s, if linked. Caller holds the lock. */
    List<Stage> linkedFrom(io.vstack.api.filter.IoFilterFactory factory) {
        return linked.values().stream().filter(s -> s.factory == factory).toList();
    }

    boolean isLinked(String name) {
        return linked.containsKey(name);
    }

    Chain chain() {
        return chain;
    }

    /** Work done while the disk's I/O is held. */
    interface HeldWork<T> {
        /** Runs with no I/O in the disk's data path and new I/O waiting. */
        T run() throws DiskException;
    }

    /**
     * Holds the disk's I/O (new requests wait at a barrier, in-flight ones drain), runs
     * {@code work}, then publishes a chain over the store as {@code work} left it (reopened on
     * the next I/O if it dropped it) and lets the held I/O go on. Handles stay open throughout.
     *
     * @throws DiskException if the disk is deleted, or what {@code work} throws
     */
    <T> T withIoHeld(HeldWork<T> work) throws DiskException {
        lock.lock();
        try {
            Chain old = chain;
            if (old.dead != null) {
                throw new DiskException(old.dead);
            }
            CountDownLatch latch = new CountDownLatch(1);
            chain = Chain.barrier(old, latch);
            try {
                drain(old);
                return work.run();
            } finally {
                chain = Chain.of(id, metadata.capacity(), List.copyOf(linked.values()), store);
                latch.countDown();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The open bottom stage, opening it if needed. Caller holds the lock (inside {@link #withIoHeld}). */
    ChainStore openedStore() throws DiskException {
        if (store == null) {
            try {
                store = service.chains().open(this);
            } catch (IoException e) {
                throw new DiskException(e.getMessage(), e);
            }
        }
        return store;
    }

    /** Closes the bottom stage; the next I/O reopens it from the metadata. Caller holds the lock. */
    void dropStore() {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    /** Whether the open bottom stage reads from a store of {@code backend}. */
    boolean usesBackend(String backend) {
        ChainStore s = chain.store;
        return metadata.backend().equals(backend) || s != null && s.usesBackend(backend);
    }

    /** The live view of the disk's chain: delegates to the bottom stage open now (opening it if needed). */
    private final class LiveChain implements DiskChain {

        private ChainStore current() {
            ChainStore s = chain.store;
            if (s != null) {
                return s;
            }
            try {
                ensureStore();
            } catch (IoException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            s = chain.store;
            if (s == null) {
                throw new IllegalStateException("disk " + id + " is closed");
            }
            return s;
        }

        @Override
        public List<String> members() {
            return current().members();
        }

        @Override
        public int holderOf(long block) {
            return current().holderOf(block);
        }

        @Override
        public long contentVersion(int index) {
            List<String> members = current().members();
            if (index < 0 || index >= members.size()) {
                throw new IndexOutOfBoundsException("member " + index + " of the chain of disk " + id + " (" + members + ")");
            }
            return current().contentVersion(index);
        }
    }

    @Override
    public String source() {
        return "disk/" + id;
    }

    @Override
    public List<Metric> snapshot() {
        return List.of(new Metric("io.reads", "ops", io.sum(READS)),
                new Metric("io.writes", "ops", io.sum(WRITES)),
                new Metric("io.read.bytes", "bytes", io.sum(BYTES_READ)),
                new Metric("io.written.bytes", "bytes", io.sum(BYTES_WRITTEN)),
                new Metric("io.flushes", "ops", io.sum(FLUSHES)),
                new Metric("io.trims", "ops", io.sum(TRIMS)),
                new Metric("io.errors", "ops", io.sum(ERRORS)),
                new Metric("handles.open", "handles", handles.get()));
    }
}
