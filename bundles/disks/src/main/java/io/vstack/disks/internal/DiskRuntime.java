package io.vstack.disks.internal;

import io.vstack.api.disk.DiskChain;
import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskInfo;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.Durations;
import io.vstack.api.UserText;
import io.vstack.api.filter.FilterAttachment;
import io.vstack.api.filter.MissingFilterPolicy;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.io.FilterTimeoutException;
import io.vstack.api.io.FilterUnavailableException;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.StaleEpochException;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricLabels;
import io.vstack.api.metrics.MetricSource;
import io.vstack.support.LatencyHistogram;
import io.vstack.support.ThreadCounters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    /** The owner record in force (mirrors its file); changed only under {@link #ownerLock}. */
    private volatile io.vstack.api.disk.OwnerRecord owner;
    /**
     * The write fence: writes and trims pass only from handles of this epoch; negative while
     * the owner of epoch {@code -fence} has released the disk (then none pass). Changed only while
     * the disk's I/O is held ({@link #withIoHeld}), so no write of an old epoch is in flight when it moves.
     */
    private volatile long fence;
    private final ReentrantLock ownerLock = new ReentrantLock();
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
    /** Latency through the whole chain per {@link IoOp} (by ordinal), failed requests too, sampled ({@link LatencyHistogram#SAMPLE}). */
    final LatencyHistogram latency = new LatencyHistogram(IoOp.values().length);

    DiskRuntime(DiskService service, DiskMetadata metadata) {
        this.service = service;
        this.id = metadata.id();
        this.metadata = metadata;
        this.owner = OwnerRecords.initial(metadata.id(), metadata.owner());
        this.fence = 1;
        // Until their factories link them, the attached filters that must not be bypassed are gates.
        this.chain = working();
    }

    /** The owner record in force. */
    io.vstack.api.disk.OwnerRecord owner() {
        return owner;
    }

    /**
     * Records a new owner record in memory and moves the write fence to match it. Caller holds
     * {@link #ownerLock} and, if the fence moves, runs inside {@link #withIoHeld}.
     */
    void owner(io.vstack.api.disk.OwnerRecord record) {
        this.owner = record;
        this.fence = record.released() ? -record.epoch() : record.epoch();
    }

    /** Serializes changes of the owner record (acquire, release, lease renewal). */
    ReentrantLock ownerLock() {
        return ownerLock;
    }

    /** The epoch a handle opened now writes with. */
    long epoch() {
        return Math.abs(fence);
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
            result.add(new FilterAttachment(id, s != null ? s.descriptor : a.descriptor(), a.config(), active, a.onMissing(),
                    a.secretKeys()));
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
                "no filter " + UserText.quote(targetFilter) + " is attached to disk " + id + "; disk:info " + id
                        + " lists its filters"));
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
        return new Handle(this, service, origin == null ? "" : origin, target, epoch());
    }

    void handleClosed() {
        handles.decrementAndGet();
    }

    /**
     * Runs one request through the current chain: the hot path. Holds at a barrier, counts
     * itself into the chain (and re-checks that it is still current), runs, counts out.
     */
    void execute(IoContext request, Handle handle) throws IoException {
        long gateDeadline = 0;
        for (;;) {
            Chain c = chain;
            if (c.hold != null) {
                awaitUninterruptibly(c.hold);
                continue;
            }
            if (c.dead != null) {
                throw new DiskUnavailableException(c.dead);
            }
            if (c.gates != null) {
                Chain.Gate gate = c.gateFor(handle.target());
                if (gate != null) {
                    if (gateDeadline == 0) {
                        gateDeadline = System.nanoTime() + service.timeoutNanos();
                    }
                    awaitFilter(c, gate, gateDeadline);
                    continue;
                }
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
            if (handle.epoch() != fence && (request.op() == IoOp.WRITE || request.op() == IoOp.TRIM)) {
                c.exit();
                long f = fence;
                throw new StaleEpochException("disk " + id + ": a " + request.op().name().toLowerCase(java.util.Locale.ROOT)
                        + " of epoch " + handle.epoch() + " is refused: the disk is "
                        + (f < 0 ? "released at epoch " + -f : "at epoch " + f + ", owned by " + owner.host())
                        + " (fencing); open a new handle as its owner");
            }
            try {
                int entry = handle.entry(c);
                request.begin(c, entry);
                c.run(entry, request);
                return;
            } finally {
                String timedOutIn = request.end();
                c.exit();
                if (timedOutIn != null) {
                    // Replaces whatever the filter did late: its completion or failure is discarded.
                    throw new FilterTimeoutException(timedOutIn, "disk " + id + ": filter " + timedOutIn + " held the "
                            + request.op() + " at offset " + request.offset() + " longer than filterTimeout "
                            + service.timeoutText() + "; the request failed (filter:list shows the filter)");
                }
            }
        }
    }

    /**
     * I/O would pass through a missing filter that must not be bypassed: fails at once
     * ({@code fail}), or waits for a newer chain until {@code deadline} and then fails ({@code hold}).
     */
    private void awaitFilter(Chain c, Chain.Gate gate, long deadline) throws FilterUnavailableException {
        String name = gate.descriptor().name();
        if (gate.policy() == MissingFilterPolicy.HOLD) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0 && c.replaced.await(left, TimeUnit.NANOSECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FilterUnavailableException(name, "disk " + id + ": interrupted while waiting for filter " + name
                        + " to come back");
            }
            throw new FilterUnavailableException(name, "disk " + id + ": filter " + name + " is attached but not present; "
                    + "I/O through it waited " + service.timeoutText() + " (filterTimeout) and fails (onMissing=hold). "
                    + "Deploy the filter again, or filter:detach it");
        }
        throw new FilterUnavailableException(name, "disk " + id + ": filter " + name + " is attached but not present; "
                + "I/O through it fails (onMissing=fail). Deploy the filter again, or filter:detach it");
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
            publish();
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
            publish();
            old.close();
        } finally {
            lock.unlock();
        }
    }

    /** Links a filter. Caller holds the lock. */
    void link(Stage stage) {
        linked.put(stage.name, stage);
        install(working());
        LOG.debug("disk {}: filter {} linked", id, stage.name);
    }

    /**
     * Unlinks a filter: new I/O waits at a barrier while the filter's in-flight requests finish,
     * up to the drain deadline; then the filter closes and the held I/O goes on without it (or
     * through its gate if its attachment is still recorded: a factory that went away). Caller
     * holds the lock.
     *
     * @param force close the filter after the deadline even if requests are still in it (they
     *              fail for their callers when the filter lets go)
     * @return the stage, or null if it was not linked
     * @throws FilterBusyException if requests were still in it at the deadline and not
     *         {@code force}: then the filter stays linked and nothing changed
     */
    Stage unlink(String name, boolean force) {
        Stage stage = linked.remove(name);
        if (stage == null) {
            return null;
        }
        Chain old = chain;
        CountDownLatch latch = new CountDownLatch(1);
        install(Chain.barrier(old, latch));
        try {
            if (!drain(old) && !force) {
                linked.put(name, stage);
                throw new FilterBusyException("filter " + name + " on disk " + id + " still holds " + old.inFlight.get()
                        + " request(s) after " + Durations.format(Duration.ofNanos(service.drainDeadlineNanos()))
                        + "; nothing changed. --force detaches it anyway (those requests fail)");
            }
        } finally {
            install(working());
            latch.countDown();
        }
        closeFilter(stage);
        return stage;
    }

    /** Thrown by {@link #unlink} when a filter keeps requests past the deadline. */
    static final class FilterBusyException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        FilterBusyException(String message) {
            super(message);
        }
    }

    private void closeFilter(Stage s) {
        s.closeUpcalls("filter " + s.name + " was unlinked from disk " + id);
        try {
            s.filter.close();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("disk {}: filter {} failed to close: {}", id, s.name, e.toString(), e);
        }
    }

    /** A working chain of the linked stages, the gates of the attachments missing from them, and the store. */
    private Chain working() {
        DiskMetadata m = metadata;
        List<Chain.Gate> gates = new ArrayList<>();
        for (DiskMetadata.Attachment a : m.filters()) {
            if (a.onMissing() != MissingFilterPolicy.BYPASS && !linked.containsKey(a.name())) {
                gates.add(new Chain.Gate(a.descriptor(), a.onMissing()));
            }
        }
        return Chain.of(id, m.capacity(), List.copyOf(linked.values()), gates, store);
    }

    /** Makes {@code next} the current chain and wakes the I/O that waits at the old one's gates. Caller holds the lock. */
    private void install(Chain next) {
        Chain old = chain;
        chain = next;
        if (old != null) {
            old.replaced.countDown();
        }
    }

    /** Publishes a working chain of the current stages and store and drains the old one. Caller holds the lock. */
    private void publish() {
        Chain old = chain;
        install(working());
        drain(old);
    }

    /**
     * Waits for the requests in a replaced chain to leave, at most the drain deadline; logs the
     * ones that did not (a filter that ignores its time-out); they fail for their callers when
     * the filter lets go.
     */
    private boolean drain(Chain old) {
        if (old.drain(service.drainDeadlineNanos())) {
            return true;
        }
        LOG.warn("disk {}: {} request(s) did not leave the old filter chain within {}; going on without them "
                + "(they fail when their filter lets go; filter:list shows which filter holds them)", id,
                old.inFlight.get(), Durations.format(Duration.ofNanos(service.drainDeadlineNanos())));
        return false;
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
        install(Chain.barrier(old, latch));
        try {
            drain(old);
            List<Stage> previous = List.copyOf(linked.values());
            for (Stage s : previous) {
                closeFilter(s);
                linked.remove(s.name);
                try {
                    linked.put(s.name, recreate.apply(s));
                } catch (RuntimeException e) {
                    failed.add(s.name);
                    LOG.warn("disk {}: filter {} cannot be re-created; it stays inactive: {}", id, s.name, e.getMessage(), e);
                }
            }
        } finally {
            install(working());
            latch.countDown();
        }
        return failed;
    }

    /** Kills the disk: new I/O fails with {@code reason}, in-flight I/O finishes, filters and store close. */
    void kill(String reason) {
        lock.lock();
        try {
            Chain old = chain;
            install(Chain.dead(id, metadata.capacity(), reason));
            drain(old);
            linked.values().forEach(this::closeFilter);
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
            install(Chain.barrier(old, latch));
            try {
                if (!drain(old)) {
                    throw new DiskException("disk " + id + ": " + old.inFlight.get() + " request(s) held by a filter did not "
                            + "finish within " + Durations.format(Duration.ofNanos(service.drainDeadlineNanos()))
                            + "; nothing was done (filter:list shows the filter)");
                }
                return work.run();
            } finally {
                install(working());
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
    public Map<String, String> labels() {
        return Map.of(MetricLabels.DISK, id, MetricLabels.HOST, metadata.owner());
    }

    @Override
    public List<Metric> snapshot() {
        List<Metric> m = new ArrayList<>(List.of(
                Metric.counter("io.reads", "ops", io.sum(READS), Map.of()),
                Metric.counter("io.writes", "ops", io.sum(WRITES), Map.of()),
                Metric.counter("io.read.bytes", "bytes", io.sum(BYTES_READ), Map.of()),
                Metric.counter("io.written.bytes", "bytes", io.sum(BYTES_WRITTEN), Map.of()),
                Metric.counter("io.flushes", "ops", io.sum(FLUSHES), Map.of()),
                Metric.counter("io.trims", "ops", io.sum(TRIMS), Map.of()),
                Metric.counter("io.errors", "ops", io.sum(ERRORS), Map.of()),
                Metric.gauge("handles.open", "handles", handles.get(), Map.of())));
        for (IoOp op : IoOp.values()) {
            m.add(Metric.histogram("io.latency", "seconds", latency.distribution(op.ordinal()),
                    Map.of(MetricLabels.OP, op.name().toLowerCase(java.util.Locale.ROOT))));
        }
        for (Stage s : stages()) {
            Map<String, String> filter = Map.of(MetricLabels.FILTER, s.name);
            m.add(Metric.counter("filter.requests", "ops", s.requests.sum(0), filter));
            m.add(Metric.counter("filter.failures", "ops", s.failures.sum(), filter));
            m.add(Metric.counter("filter.timeouts", "ops", s.timeouts.sum(), filter));
            m.add(Metric.gauge("filter.held.longest", "ns", s.longestHeldNanos(), filter));
        }
        return m;
    }
}
