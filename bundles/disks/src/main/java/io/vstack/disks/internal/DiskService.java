package io.vstack.disks.internal;

import io.vstack.api.Durations;
import io.vstack.api.UserText;
import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskInfo;
import io.vstack.api.disk.DiskListener;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.filter.FilterAttachment;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.hw.Host;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreNotFoundException;
import io.vstack.api.storage.StoreSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk manager and the filter frameworks behind it, as a plain object: the inventory of
 * disks (one metadata file each, loaded at construction), the storage backends, filter
 * factories and hosts present (fed by the owning component), ownership changes, and the watchdog
 * scan for filters that hold requests too long. Attach, detach and the factories that come and go
 * are {@link FilterAttachments}'.
 * <p>Thread-safe. Create and delete are serialized; chain changes are serialized per disk; I/O
 * takes no lock.
 */
public class DiskService implements DiskAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(DiskService.class);
    /** What a drain waits beyond the filter timeout (see {@link #drainDeadlineNanos}). */
    private static final long DRAIN_GRACE_NANOS = 500_000_000L;

    /** Publishes a disk's figures; returns what unpublishes them. */
    public interface Publisher {
        /** Publishes a disk's metrics. */
        Runnable publish(io.vstack.api.metrics.MetricSource disk);
    }

    private final Path directory;
    private final Duration timeout;
    private final Publisher publisher;
    private final Object inventoryLock = new Object();
    private final Map<String, DiskRuntime> disks = new ConcurrentHashMap<>();
    private final Map<String, Runnable> unpublish = new ConcurrentHashMap<>();
    private final Map<String, StorageBackend> backends = new ConcurrentHashMap<>();
    private final Map<String, Host> hosts = new ConcurrentHashMap<>();
    private final FilterAttachments filters;
    private final List<String> loadErrors = new CopyOnWriteArrayList<>();
    private final List<DiskListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<IoContext> contexts = ConcurrentHashMap.newKeySet();
    private final Consumer<IoContext> registrar = contexts::add;
    private final ThreadLocal<ThreadIo> threadIo = ThreadLocal.withInitial(ThreadIo::new);
    private final Chains chains;
    private final Links links = new Links(this);

    /**
     * Creates the service over the metadata directory {@code directory} and loads the inventory.
     *
     * @param timeout how long a filter may hold a request before it is reported
     */
    public DiskService(Path directory, Duration timeout, Publisher publisher) {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("filterTimeout must be positive: " + Durations.format(timeout));
        }
        this.directory = directory;
        this.timeout = timeout;
        this.publisher = publisher;
        this.chains = new Chains(this, directory);
        this.filters = new FilterAttachments(this, directory);
        load();
    }

    private void load() {
        if (!Files.isDirectory(directory)) {
            LOG.info("No disk metadata yet under {}", directory);
            return;
        }
        loadErrors.addAll(MetadataJournal.replay(directory));
        DiskMetadata.loadAll(directory, loadErrors).forEach(this::register);
        disks.keySet().forEach(chains::refreshImmutable);
        LOG.info("Loaded {} disk(s) from {}{}", disks.size(), directory,
                loadErrors.isEmpty() ? "" : "; " + loadErrors.size() + " metadata file(s) could not be read");
    }

    // ---- for Handle, DiskRuntime and Chains ----------------------------------------------------

    /** Adds a disk to the inventory and publishes its figures. */
    DiskRuntime register(DiskMetadata metadata) {
        io.vstack.api.disk.OwnerRecord owner = null;
        try {
            owner = OwnerRecords.read(directory, metadata.id(), metadata.owner());
            if (!owner.released() && !owner.host().equals(metadata.owner())) {
                // A crash between recording a new owner and rewriting the metadata: the owner record decides.
                metadata = metadata.withOwner(owner.host());
                metadata.write(directory);
                LOG.info("Disk {}: owner {} taken from its owner record (epoch {})", metadata.id(), owner.host(), owner.epoch());
            }
        } catch (IOException e) {
            loadErrors.add(e.getMessage());
            LOG.warn("Disk {}: {}; it starts at epoch 1, owned by {}", metadata.id(), e.getMessage(), metadata.owner());
        }
        DiskRuntime disk = new DiskRuntime(this, metadata);
        if (owner != null) {
            disk.owner(owner);
        }
        disks.put(metadata.id(), disk);
        unpublish.put(metadata.id(), publisher.publish(disk));
        return disk;
    }

    DiskRuntime runtime(String id) {
        return disks.get(id);
    }

    java.util.Collection<DiskRuntime> runtimes() {
        return disks.values();
    }

    StorageBackend backend(String type) {
        return backends.get(type);
    }

    Chains chains() {
        return chains;
    }

    /** The directory of the metadata files. */
    Path directory() {
        return directory;
    }

    /** Linked storage: what filters redirect through, and the transport protocol handler that serves redirects here. */
    Links links() {
        return links;
    }

    @Override
    public List<LinkTrace> linkTraces(String diskId) {
        return links.traces(diskId);
    }

    ThreadIo threadIo() {
        return threadIo.get();
    }

    Consumer<IoContext> registrar() {
        return registrar;
    }

    long timeoutNanos() {
        return timeout.toNanos();
    }

    String timeoutText() {
        return Durations.format(timeout);
    }

    /**
     * How long a chain change (detach, a factory going, delete, shutdown) waits for in-flight
     * requests: the filter timeout plus time for the watchdog to time out and interrupt a held
     * request and for the filter to let go.
     */
    long drainDeadlineNanos() {
        return timeout.toNanos() + DRAIN_GRACE_NANOS;
    }

    BlockStore openStore(DiskMetadata metadata) throws StorageException {
        StorageBackend backend = backends.get(metadata.backend());
        if (backend == null) {
            throw new StorageException("backend " + metadata.backend() + " is not available");
        }
        BlockStore store = backend.open(metadata.store(), metadata.owner());
        if (metadata.blockSize() % store.alignment() != 0) {
            try {
                store.close();
            } catch (StorageException e) {
                LOG.debug("closing a refused store failed", e);
            }
            throw new StorageException(metadata.backend() + " backend: store " + metadata.store() + " needs "
                    + store.alignment() + "-byte alignment, which the disk's block size " + metadata.blockSize() + " does not give");
        }
        return store;
    }

    // ---- DiskManager --------------------------------------------------------------------------

    @Override
    public VirtualDisk create(DiskSpec spec) throws DiskException {
        synchronized (inventoryLock) {
            if (spec.parent().isPresent()) {
                if (disks.get(spec.parent().get()) == null) {
                    throw new IllegalArgumentException("no disk named " + UserText.quote(spec.parent().get()) + " to be the parent of "
                            + spec.name() + "; disk:list shows the disks");
                }
                return chains.createChild(spec, () -> createDisk(spec));
            }
            return createDisk(spec);
        }
    }

    private VirtualDisk createDisk(DiskSpec spec) throws DiskException {
        String backendId = spec.backend().id();
        synchronized (inventoryLock) {
            if (disks.containsKey(spec.name()) || disks.values().stream().anyMatch(d -> d.metadata().store().equals(spec.name()))) {
                throw new DiskException("a disk named " + spec.name() + " exists already; disk:list shows the disks");
            }
            StorageBackend backend = backends.get(backendId);
            if (backend == null) {
                throw new IllegalArgumentException("backend '" + backendId + "' is not available; available backends: "
                        + (backends.isEmpty() ? "none" : String.join(", ", backendNames())));
            }
            if (!hosts.containsKey(spec.host())) {
                throw new IllegalArgumentException("no host named " + UserText.quote(spec.host()) + "; host:list shows the hosts");
            }
            Path file = DiskMetadata.file(directory, spec.name());
            if (Files.exists(file)) {
                throw new DiskException("metadata file " + file + " exists but was not loaded (see the log); move it away first");
            }
            DiskMetadata metadata = new DiskMetadata(spec.name(), spec.capacity(), spec.blockSize(), backendId, spec.host(),
                    spec.parent(), List.of());
            try {
                metadata.write(directory);
            } catch (IOException e) {
                throw new DiskException("cannot write the metadata of disk " + spec.name() + " to " + file + ": " + e.getMessage(), e);
            }
            BlockStore store;
            try {
                store = backend.create(new StoreSpec(spec.name(), spec.capacity(), spec.blockSize(), spec.host()));
            } catch (StorageException | RuntimeException e) {
                deleteMetadataQuietly(spec.name());
                throw new DiskException("cannot create disk " + spec.name() + ": " + e.getMessage(), e);
            }
            if (spec.blockSize() % store.alignment() != 0) {
                try {
                    store.close();
                    backend.delete(spec.name());
                } catch (StorageException e) {
                    LOG.warn("cannot remove the store of refused disk {}: {}", spec.name(), e.getMessage(), e);
                }
                deleteMetadataQuietly(spec.name());
                throw new IllegalArgumentException("block size " + spec.blockSize() + " is too small for backend " + backendId
                        + ", which needs " + store.alignment() + "-byte alignment (direct I/O)");
            }
            try {
                store.close();
            } catch (StorageException e) {
                LOG.debug("closing a new store failed; it is reopened on first I/O", e);
            }
            DiskRuntime disk = register(metadata);
            LOG.info("Created disk {} ({} bytes, block size {}) on backend {}, owned by {}{}", spec.name(), spec.capacity(),
                    spec.blockSize(), backendId, spec.host(), spec.parent().map(p -> ", over " + p).orElse(""));
            return disk;
        }
    }

    private void deleteMetadataQuietly(String id) {
        try {
            DiskMetadata.delete(directory, id);
        } catch (IOException e) {
            LOG.warn("cannot remove the metadata of disk {}: {}", id, e.getMessage(), e);
        }
    }

    @Override
    public Optional<VirtualDisk> disk(String id) {
        return Optional.ofNullable(disks.get(id));
    }

    @Override
    public List<DiskInfo> disks() {
        return disks.values().stream().map(DiskRuntime::info).sorted(Comparator.comparing(DiskInfo::id)).toList();
    }

    @Override
    public void delete(String id, boolean force) throws DiskException {
        synchronized (inventoryLock) {
            DiskRuntime disk = disks.get(id);
            if (disk == null) {
                throw new DiskException("no disk named " + UserText.quote(id) + "; disk:list shows the disks");
            }
            List<String> children = chains.childrenOf(id);
            if (!children.isEmpty()) {
                throw new DiskException("disk " + id + " is the parent of " + String.join(", ", children) + "; delete those first");
            }
            int open = disk.openHandles();
            if (open > 0 && !force) {
                throw new DiskException("disk " + id + " has " + open + " open handle(s); close them, or use --force");
            }
            DiskMetadata metadata = disk.metadata();
            StorageBackend backend = backends.get(metadata.backend());
            if (backend == null) {
                throw new DiskException("backend " + metadata.backend() + " is not available, so the store of disk " + id
                        + " cannot be deleted; nothing was changed");
            }
            disk.kill("disk " + id + " was deleted");
            try {
                backend.delete(metadata.store());
            } catch (StoreNotFoundException e) {
                LOG.info("disk {}: its store was already gone: {}", id, e.getMessage());
            } catch (StorageException e) {
                throw new DiskException("disk " + id + " is closed, but deleting its store failed: " + e.getMessage()
                        + "; its metadata is kept, delete it again", e);
            }
            try {
                DiskMetadata.delete(directory, id);
            } catch (IOException e) {
                throw new DiskException("disk " + id + ": its store is deleted but its metadata file cannot be: " + e.getMessage(), e);
            }
            // Under the owner lock: a lease renewal in progress writes its record before the state
            // directory goes, and a later one finds the disk gone.
            disk.ownerLock().lock();
            try {
                disks.remove(id);
            } finally {
                disk.ownerLock().unlock();
            }
            DiskMetadata.deleteTree(stateDirectory(directory, id));
            try {
                Files.deleteIfExists(chains.bitmapFile(metadata.store()));
            } catch (IOException e) {
                LOG.warn("disk {}: cannot remove its allocation bitmap: {}", id, e.getMessage(), e);
            }
            links.forget(id);
            metadata.parent().ifPresent(chains::refreshImmutable);
            Runnable r = unpublish.remove(id);
            if (r != null) {
                r.run();
            }
            LOG.info("Deleted disk {}{}", id, open > 0 ? " (forced, " + open + " handle(s) were open)" : "");
        }
        for (DiskListener listener : listeners) {
            try {
                listener.deleted(id);
            } catch (RuntimeException e) {
                LOG.warn("disk listener {} failed on the deletion of {}: {}", listener, id, e.toString(), e);
            }
        }
    }

    /** Where the filters of disk {@code diskId} keep their state, under the metadata directory. */
    static Path stateDirectory(Path directory, String diskId) {
        return directory.resolve("state").resolve(diskId);
    }

    // ---- chains (differencing disks) ----------------------------------------------------------

    @Override
    public void snapshot(String diskId, String name) throws DiskException {
        synchronized (inventoryLock) {
            chains.snapshot(diskId, name);
        }
    }

    @Override
    public long commit(String diskId, CommitProgress progress) throws DiskException {
        synchronized (inventoryLock) {
            return chains.commit(diskId, progress);
        }
    }

    @Override
    public long collapse(String diskId) throws DiskException {
        synchronized (inventoryLock) {
            return chains.collapse(diskId);
        }
    }

    @Override
    public List<String> chain(String diskId) throws DiskException {
        return chains.resolve(diskId).stream().map(d -> d.id).toList();
    }

    // ---- filters ------------------------------------------------------------------------------

    @Override
    public List<FilterDescriptor> availableFilters() {
        return filters.available();
    }

    DiskRuntime requireDisk(String diskId, String host) {
        DiskRuntime disk = disks.get(diskId);
        if (disk == null) {
            throw new IllegalArgumentException("no disk named " + UserText.quote(diskId) + "; disk:list shows the disks");
        }
        if (host != null && !disk.metadata().owner().equals(host)) {
            throw new IllegalArgumentException("disk " + diskId + " is owned by host " + disk.metadata().owner() + ", not " + host);
        }
        return disk;
    }

    @Override
    public FilterAttachment attach(String diskId, String filterName, Map<String, String> config) {
        return filters.attach(null, diskId, filterName, config);
    }

    /** Attaches a filter; {@code host}, if given, must own the disk. */
    FilterAttachment attach(String host, String diskId, String filterName, Map<String, String> config) {
        return filters.attach(host, diskId, filterName, config);
    }

    @Override
    public void detach(String diskId, String filterName) {
        filters.detach(null, diskId, filterName, false);
    }

    @Override
    public void detach(String diskId, String filterName, boolean force) {
        filters.detach(null, diskId, filterName, force);
    }

    /** Detaches a filter; {@code host}, if given, must own the disk. */
    void detach(String host, String diskId, String filterName) {
        filters.detach(host, diskId, filterName, false);
    }

    /**
     * Makes {@code to} the owner of disk {@code id}: the metadata is rewritten crash-safely, then
     * the filter chain moves to {@code to}'s framework (each filter re-created with {@code to} as
     * its host, I/O held meanwhile). Nothing happens if {@code to} owns it already. Used by
     * {@link OwnershipHandover}; returns the filters that could not be re-created.
     *
     * @throws IllegalArgumentException if there is no such disk or neither host owns it
     * @throws IOException if the metadata cannot be written (nothing changed then)
     */
    List<String> changeOwner(String id, String from, String to) throws IOException {
        DiskRuntime disk = requireDisk(id, null);
        disk.lock().lock();
        try {
            DiskMetadata metadata = disk.metadata();
            if (metadata.owner().equals(to)) {
                return List.of();
            }
            if (!metadata.owner().equals(from)) {
                throw new IllegalArgumentException("disk " + id + " is owned by host " + metadata.owner() + ", not " + from);
            }
            DiskMetadata updated = metadata.withOwner(to);
            updated.write(directory);
            disk.metadata(updated);
            LOG.info("Disk {}: owner {} -> {}", id, from, to);
            return disk.relinkAll(s -> filters.createStage(s.factory, s.descriptor, disk, s.name,
                    updated.filter(s.name).map(DiskMetadata.Attachment::config).orElse(Map.of())));
        } finally {
            disk.lock().unlock();
        }
    }

    @Override
    public List<FilterReport> filterReports() {
        return filters.reports();
    }

    /** A filter factory appeared: it becomes attachable, and inactive attachments of its name are linked again. */
    public void factoryAdded(IoFilterFactory factory) {
        filters.factoryAdded(factory);
    }

    /**
     * A filter factory went away: its filters are unlinked after draining, attachments kept
     * inactive (see {@link FilterAttachments#factoryRemoved}). Blocks until then.
     */
    public void factoryRemoved(IoFilterFactory factory) {
        filters.factoryRemoved(factory);
    }

    // ---- backends and hosts -------------------------------------------------------------------

    /** A storage backend of type {@code type} appeared. */
    public void backendAdded(String type, StorageBackend backend) {
        if (backends.putIfAbsent(type, backend) == null) {
            LOG.info("Storage backend {} available", type);
        }
    }

    /** A storage backend went away: the stores of its disks close after in-flight I/O finishes. */
    public void backendRemoved(String type, StorageBackend backend) {
        if (backends.remove(type, backend)) {
            for (DiskRuntime disk : disks.values()) {
                if (disk.usesBackend(type)) {
                    disk.closeStore();
                }
            }
            LOG.info("Storage backend {} went away; its disks' stores are closed", type);
        }
    }

    /** A disk listener appeared: it hears of deletions from now on. */
    public void listenerAdded(DiskListener listener) {
        listeners.add(listener);
    }

    public void listenerRemoved(DiskListener listener) {
        listeners.remove(listener);
    }

    /** A host appeared. */
    public void hostAdded(Host host) {
        hosts.put(host.name(), host);
    }

    /** A host went away; its disks stay in the inventory. */
    public void hostRemoved(Host host) {
        hosts.remove(host.name(), host);
    }

    @Override
    public List<String> hostNames() {
        return hosts.keySet().stream().sorted().toList();
    }

    @Override
    public List<String> backendNames() {
        return backends.keySet().stream().sorted().toList();
    }

    @Override
    public List<String> loadErrors() {
        return List.copyOf(loadErrors);
    }

    @Override
    public Duration filterTimeout() {
        return timeout;
    }

    // ---- watchdog -----------------------------------------------------------------------------

    /**
     * Finds requests running longer than the timeout and times each out in the filter that holds
     * it: the filter's {@link io.vstack.api.filter.IoFilter#cancel} hook runs, its thread is
     * interrupted, and the request fails for its caller with a
     * {@link io.vstack.api.io.FilterTimeoutException} when the filter returns (log WARN once per
     * filter and disk; {@code filter:list} shows it). A request is timed from the first scan that
     * sees it running, so it is timed out at most two scan periods late. Called periodically by
     * the owning component's watchdog thread (one thread: the sightings are not synchronized);
     * {@code now} is {@link System#nanoTime()}.
     */
    public void scanHeld(long now) {
        long limit = timeout.toNanos();
        for (Iterator<IoContext> it = contexts.iterator(); it.hasNext(); ) {
            IoContext context = it.next();
            long serial = context.running();
            if (serial < 0) {
                continue; // timed out already; its thread has not come back yet
            }
            if (serial == 0) {
                if (!context.ownerAlive()) {
                    it.remove();
                }
                continue;
            }
            if (serial != context.seenSerial) {
                context.seenSerial = serial;
                context.seenAt = now;
                continue;
            }
            long held = now - context.seenAt;
            Chain chain = context.currentChain();
            int depth = context.currentDepth();
            if (held < limit || chain == null || context.running() != serial || depth < 0 || depth >= chain.stages.length) {
                continue;
            }
            Stage stage = chain.stages[depth];
            String what = context.op() + " at offset " + context.offset();
            if (!context.timeOut(serial, stage.name, () -> cancel(stage, context))) {
                continue;
            }
            stage.timedOut("held a " + what + " for " + Durations.format(Duration.ofNanos(held))
                    + ", longer than filterTimeout " + timeoutText() + "; it was failed");
            if (stage.reportHeld(held)) {
                LOG.warn("Filter {} on disk {} has held a {} for {}, longer than filterTimeout {}; the request fails, "
                        + "the filter was asked to let go and its thread interrupted (filter:list reports it)",
                        stage.name, stage.diskId, what, Durations.format(Duration.ofNanos(held)), timeoutText());
            }
        }
    }

    private static void cancel(Stage stage, IoContext request) {
        try {
            stage.filter.cancel(request);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Filter {} on disk {} failed in its cancel hook: {}", stage.name, stage.diskId, e.toString(), e);
        }
    }

    /**
     * Stops every disk: new I/O fails, in-flight I/O finishes (each disk waits at most the drain
     * deadline), filters and stores close.
     */
    public void close() {
        links.close();
        for (DiskRuntime disk : disks.values()) {
            disk.kill("disk " + disk.id + " is unavailable: the disk manager stopped");
        }
        unpublish.values().forEach(Runnable::run);
        unpublish.clear();
        disks.clear();
    }
}
