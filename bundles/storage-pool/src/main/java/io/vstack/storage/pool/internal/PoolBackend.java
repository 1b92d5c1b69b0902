package io.vstack.storage.pool.internal;

import io.vstack.api.ByteSize;
import io.vstack.api.UserText;
import io.vstack.api.hw.BlockDevice;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.hw.SimulationKnobs;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricLabels;
import io.vstack.api.metrics.MetricSource;
import io.vstack.api.storage.BackendStatus;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreExistsException;
import io.vstack.api.storage.StoreNotFoundException;
import io.vstack.api.storage.StoreSpec;
import io.vstack.support.ConfigGuard;
import io.vstack.support.ConfigKeys;
import io.vstack.support.KarafData;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code pool} storage backend: temporary disks as stores in elastic temporary pools
 * ({@link TempPool}). Pools are made by {@code disk:pool-create} and listed in the registry
 * directory (one {@code <name>.pool} file each); a new store goes into the configured
 * {@code defaultPool}, or into the only pool there is. Store ids are unique across pools.
 * <p>A pool is opened (its metadata replayed) on first use, not in {@code @Activate}; a pool
 * that cannot be opened (its file missing, truncated or corrupt) makes the backend DEGRADED and
 * says why, and the other pools go on.
 * <p>It publishes the metric source {@code storage/pool}: per pool (label {@code pool}) its
 * blocks, blocks used and free, its low-water mark, whether it is at it, and how often it got
 * there (the low-water event), allocations, returns and refusals.
 */
@Component(service = {StorageBackend.class, MetricSource.class, PoolBackend.class}, configurationPid = PoolBackend.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {StorageBackend.TYPE_PROPERTY + "=pool", MetricSource.SOURCE_PROPERTY + "=" + PoolBackend.SOURCE})
@Designate(ocd = PoolBackend.Config.class)
public final class PoolBackend implements StorageBackend, MetricSource {

    static final String PID = "io.vstack.storage.pool";
    static final String NAME = "pool";
    static final String SOURCE = "storage/pool";
    static final BackendType TYPE = new BackendType(NAME);

    /** The backend's configuration. */
    @ObjectClassDefinition(id = PID, name = "vstack elastic temporary pools",
            description = "Temporary disks of many VMs in shared pool files (disk:pool-create)")
    public @interface Config {
        @AttributeDefinition(description = "Directory of the pool registry (one <name>.pool file per pool); "
                + "empty means ${karaf.data}/vstack/storage/pool")
        String directory() default "";

        @AttributeDefinition(description = "The pool new disks of the pool backend go into; empty: the only pool there is")
        String defaultPool() default "";

        @AttributeDefinition(description = "How long a write waits for a free block in a full pool whose policy is "
                + "queue, before it fails, e.g. 30s")
        String queueTimeout() default "30s";
    }

    /**
     * The backend's settings.
     *
     * @param directory    the pool registry
     * @param defaultPool  the pool new stores go into, empty for the only one
     * @param queueTimeout the bounded wait of a full pool's queue
     */
    record Settings(Path directory, String defaultPool, Duration queueTimeout) {

        static Settings parse(Config config, Path dataRoot) {
            String pool = config.defaultPool() == null ? "" : config.defaultPool().trim();
            return new Settings(ConfigKeys.writableDirectory(PID, "directory",
                    ConfigKeys.dataDirectory(config.directory(), dataRoot, "vstack", "storage", "pool")),
                    pool.isEmpty() ? "" : ConfigKeys.name(PID, "defaultPool", pool),
                    ConfigKeys.duration(PID, "queueTimeout", config.queueTimeout()));
        }
    }

    /** A registered pool: its spec, and the pool once opened or why it cannot be. */
    private static final class Entry {
        final PoolSpec spec;
        TempPool pool;
        String error;

        Entry(PoolSpec spec) {
            this.spec = spec;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(PoolBackend.class);

    private final ConfigGuard<Config, Settings> settings;
    private final HostRegistry hosts;
    private final Path directory;
    private final Map<String, Entry> pools = new TreeMap<>();
    private final List<String> unreadable = new ArrayList<>();

    /** Creates the backend from its configuration (its defaults if that is refused). */
    @Activate
    public PoolBackend(@Reference HostRegistry hosts, Config config, BundleContext context) {
        this(hosts, ConfigGuard.start(config, ConfigGuard.defaults(Config.class),
                c -> Settings.parse(c, KarafData.of(context))));
    }

    /** Creates the backend over the registry {@code directory}, without Config Admin: for tests and benchmarks. */
    public PoolBackend(HostRegistry hosts, Path directory, String defaultPool, Duration queueTimeout) {
        this(hosts, ConfigGuard.of(new Settings(directory, defaultPool, queueTimeout), c -> Settings.parse(c, directory)));
    }

    private PoolBackend(HostRegistry hosts, ConfigGuard<Config, Settings> settings) {
        this.hosts = hosts;
        this.settings = settings;
        this.directory = settings.current().directory();
        try (DirectoryStream<Path> files = Files.isDirectory(directory)
                ? Files.newDirectoryStream(directory, "*" + PoolSpec.SUFFIX) : null) {
            if (files != null) {
                for (Path file : files) {
                    try {
                        PoolSpec spec = PoolSpec.read(file);
                        pools.put(spec.name(), new Entry(spec));
                    } catch (IOException e) {
                        unreadable.add(e.getMessage());
                        LOG.warn("Pool registry file unreadable: {}", e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            unreadable.add(directory + ": " + e.getMessage());
            LOG.warn("Pool registry {} unreadable: {}", directory, e.getMessage());
        }
        LOG.info("Pool backend ready: {} pools registered in {}", pools.size(), directory);
    }

    /**
     * Applies a changed configuration in place: {@code defaultPool} and {@code queueTimeout}; a
     * change of the directory applies at the next start. A bad value is refused with one log line.
     */
    @Modified
    void modified(Config config) {
        settings.update(config, (previous, next) -> {
            ConfigKeys.requireUnchanged(PID, "directory", previous.directory(), next.directory());
            synchronized (this) {
                for (Entry e : pools.values()) {
                    if (e.pool != null) {
                        e.pool.queueTimeout(next.queueTimeout());
                    }
                }
            }
            LOG.info("Pool backend reconfigured: default pool {}, queue timeout {}",
                    next.defaultPool().isEmpty() ? "(the only one)" : next.defaultPool(), next.queueTimeout());
        });
    }

    /** Commits and closes every open pool. */
    @Deactivate
    public synchronized void close() {
        for (Entry e : pools.values()) {
            if (e.pool != null) {
                e.pool.close();
                e.pool = null;
            }
        }
    }

    @Override
    public BackendType type() {
        return TYPE;
    }

    // Pools

    /**
     * Makes a pool and registers it.
     *
     * @throws StorageException naming the pool if it exists or its file cannot be made
     */
    public synchronized PoolSpec createPool(PoolSpec spec) throws StorageException {
        if (pools.containsKey(spec.name())) {
            throw new StoreExistsException(NAME + ": pool " + spec.name() + " exists already");
        }
        for (Entry e : pools.values()) {
            if (e.spec.file().toAbsolutePath().normalize().equals(spec.file().toAbsolutePath().normalize())) {
                throw new StoreExistsException(NAME + ": file " + spec.file() + " is pool " + e.spec.name() + "'s already");
            }
        }
        TempPool pool = TempPool.create(NAME, spec, knobs(spec.file()), settings.current().queueTimeout());
        try {
            spec.write(directory);
        } catch (IOException e) {
            pool.close();
            throw new StorageException(NAME + ": pool " + spec.name() + ": cannot register it in " + directory + ": "
                    + e.getMessage(), e);
        }
        Entry entry = new Entry(spec);
        entry.pool = pool;
        pools.put(spec.name(), entry);
        return spec;
    }

    /** The pools' names, sorted. */
    public synchronized List<String> poolNames() {
        return List.copyOf(pools.keySet());
    }

    /**
     * The open pool {@code name}.
     *
     * @throws StorageException naming the pool if there is none or it cannot be opened (truncated, corrupt...)
     */
    synchronized TempPool pool(String name) throws StorageException {
        Entry e = pools.get(name);
        if (e == null) {
            throw new StoreNotFoundException(NAME + ": no pool " + UserText.quote(name)
                    + (pools.isEmpty() ? ": make one with disk:pool-create" : "; pools: " + String.join(", ", pools.keySet())));
        }
        return open(e);
    }

    private TempPool open(Entry e) throws StorageException {
        if (e.pool == null) {
            try {
                e.pool = TempPool.open(NAME, e.spec, knobs(e.spec.file()), settings.current().queueTimeout());
                e.error = null;
            } catch (StorageException failure) {
                e.error = failure.getMessage();
                throw failure;
            }
        }
        return e.pool;
    }

    /** A pool's state now. */
    public PoolInfo info(String name) throws StorageException {
        return pool(name).info();
    }

    /** Checks a pool's metadata, and repairs leaked blocks if asked. */
    public PoolCheck check(String name, boolean repair) throws StorageException {
        return pool(name).check(repair);
    }

    /** The simulated device the pool file lives on (a host's local0), if any. */
    private SimulationKnobs knobs(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        for (Host host : hosts.hosts()) {
            Optional<BlockDevice> device = host.blockDevice("local0");
            if (device.isPresent() && absolute.startsWith(device.get().path().toAbsolutePath().normalize())) {
                return device.get().simulation();
            }
        }
        return null;
    }

    // StorageBackend

    @Override
    public synchronized BlockStore create(StoreSpec spec) throws StorageException {
        String target = settings.current().defaultPool();
        if (target.isEmpty()) {
            if (pools.size() != 1) {
                throw new StorageException(NAME + ": " + (pools.isEmpty() ? "no pool: make one with disk:pool-create"
                        : "several pools (" + String.join(", ", pools.keySet()) + "): set defaultPool in " + PID));
            }
            target = pools.keySet().iterator().next();
        }
        TempPool pool = pool(target);
        TempPool holder;
        try {
            holder = find(spec.id());
        } catch (StoreNotFoundException unique) {
            return pool.createStore(spec);
        }
        throw new StoreExistsException(NAME + ": store " + spec.id() + " exists already in pool " + holder.name());
    }

    @Override
    public synchronized BlockStore open(String storeId, String host) throws StorageException {
        StoreSpec.requireValidName("store id", storeId);
        return find(storeId).openStore(storeId);
    }

    @Override
    public synchronized void delete(String storeId) throws StorageException {
        StoreSpec.requireValidName("store id", storeId);
        find(storeId).deleteStore(storeId);
    }

    /** The pool holding store {@code storeId}; pools that cannot be opened are skipped (status says why). */
    private TempPool find(String storeId) throws StorageException {
        for (Entry e : pools.values()) {
            try {
                TempPool pool = open(e);
                if (pool.has(storeId)) {
                    return pool;
                }
            } catch (StorageException broken) {
                LOG.debug("Pool {} skipped while looking for store {}: {}", e.spec.name(), storeId, broken.getMessage());
            }
        }
        throw new StoreNotFoundException(NAME + ": no store " + storeId + " in any pool");
    }

    @Override
    public synchronized BackendStatus status() {
        long capacity = 0;
        long used = 0;
        int stores = 0;
        List<String> problems = new ArrayList<>(unreadable);
        for (Entry e : pools.values()) {
            capacity += e.spec.size();
            try {
                TempPool pool = open(e);
                used += pool.used() * e.spec.blockSize();
                stores += pool.storeIds().size();
            } catch (StorageException broken) {
                problems.add(broken.getMessage());
            }
        }
        String detail = pools.isEmpty() ? "no pools yet (disk:pool-create)"
                : pools.size() + " pools, " + stores + " disks, " + ByteSize.ofBytes(used).toHumanString() + " of blocks taken"
                        + (problems.isEmpty() ? "" : "; " + String.join("; ", problems));
        return new BackendStatus(NAME, TYPE, capacity, used,
                problems.isEmpty() ? BackendStatus.Health.HEALTHY : BackendStatus.Health.DEGRADED, detail);
    }

    // MetricSource

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public Map<String, String> labels() {
        return Map.of(MetricLabels.BACKEND, NAME);
    }

    @Override
    public List<Metric> snapshot() {
        List<TempPool> open = new ArrayList<>();
        synchronized (this) {
            for (Entry e : pools.values()) {
                if (e.pool != null) {
                    open.add(e.pool);
                }
            }
        }
        List<Metric> m = new ArrayList<>();
        for (TempPool p : open) {
            Map<String, String> l = Map.of("pool", p.name());
            m.add(Metric.gauge("pool.blocks", "blocks", p.spec().blocks(), l));
            m.add(Metric.gauge("pool.blocks.used", "blocks", p.used(), l));
            m.add(Metric.gauge("pool.blocks.free", "blocks", p.free(), l));
            m.add(Metric.gauge("pool.block.size", "bytes", p.spec().blockSize(), l));
            m.add(Metric.gauge("pool.lowwater.mark", "blocks", p.spec().lowWater(), l));
            m.add(Metric.gauge("pool.lowwater", "bool", p.lowWater() ? 1 : 0, l));
            m.add(Metric.counter("pool.lowwater.events", "events", p.lowWaterEvents.sum(), l));
            m.add(Metric.counter("pool.allocations", "blocks", p.allocations.sum(), l));
            m.add(Metric.counter("pool.returned", "blocks", p.returned.sum(), l));
            m.add(Metric.counter("pool.quota.refusals", "ops", p.quotaRefusals.sum(), l));
            m.add(Metric.counter("pool.full.refusals", "ops", p.fullRefusals.sum(), l));
            m.add(Metric.counter("pool.full.waits", "ops", p.fullWaits.sum(), l));
            m.add(Metric.counter("pool.commits", "ops", p.commits.sum(), l));
        }
        return m;
    }
}
