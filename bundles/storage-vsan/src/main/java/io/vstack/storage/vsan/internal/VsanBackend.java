package io.vstack.storage.vsan.internal;

import io.vstack.support.ConfigGuard;
import io.vstack.support.ConfigKeys;
import io.vstack.support.KarafData;
import io.vstack.support.StoreFiles;
import io.vstack.api.ByteSize;
import io.vstack.api.Durations;
import io.vstack.api.hw.BlockDevice;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.hw.SimulationKnobs;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricLabels;
import io.vstack.api.metrics.MetricSource;
import io.vstack.api.storage.BackendStatus;
import io.vstack.api.storage.BackendStatus.Health;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreExistsException;
import io.vstack.api.storage.StoreNotFoundException;
import io.vstack.api.storage.StoreSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vSAN backend: each store is an object mirrored across the {@code local0} devices of
 * {@code failuresToTolerate + 1} simulated hosts ({@code <local0>/vsan/<id>.data} on each), with
 * the cluster's record of it in the cluster directory. A host "fails" when its {@code local0}
 * device is held down ({@code host:simulate --down <host> local0}) or its configuration is removed;
 * I/O carries on with the other replicas and the failed one is resynced, region by region, by the
 * component's resync thread once its host is back.
 */
@Component(service = {StorageBackend.class, MetricSource.class}, configurationPid = VsanBackend.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = StorageBackend.TYPE_PROPERTY + "=vsan")
@Designate(ocd = VsanBackend.Config.class)
public final class VsanBackend implements StorageBackend, MetricSource, AutoCloseable {

    static final String PID = "io.vstack.storage.vsan";
    static final String DEVICE = "local0";

    /** The configuration {@code etc/io.vstack.storage.vsan.cfg}. */
    @ObjectClassDefinition(id = PID, name = "vstack vSAN backend",
            description = "Objects mirrored across the local storage of several simulated hosts")
    public @interface Config {
        @AttributeDefinition(type = AttributeType.INTEGER, min = "0", max = "2",
                description = "Host failures an object survives: it has this many + 1 replicas")
        String failuresToTolerate() default "1";

        @AttributeDefinition(description = "Comma-separated member hosts; empty: every configured host")
        String hosts() default "";

        @AttributeDefinition(description = "Directory of the cluster's object records; default ${karaf.data}/vstack/vsan")
        String directory() default "";

        @AttributeDefinition(description = "How often the resync thread looks for returned hosts, e.g. 1s")
        String resyncInterval() default "1s";
    }

    /**
     * The backend's settings, parsed from its configuration.
     *
     * @param hosts          the member hosts; empty for every host
     * @param directory      the cluster's object records
     * @param resyncInterval how often the resync thread runs; zero for none (tests call {@link #resyncNow()})
     */
    record Settings(int failuresToTolerate, List<String> hosts, Path directory, Duration resyncInterval) {

        /** Parses a configuration; {@code dataRoot} holds the default directory. */
        static Settings parse(Config config, Path dataRoot) {
            return new Settings(ConfigKeys.wholeNumber(PID, "failuresToTolerate", config.failuresToTolerate(), 0, 2),
                    memberList(config.hosts()), ConfigKeys.writableDirectory(PID, "directory",
                            ConfigKeys.dataDirectory(config.directory(), dataRoot, "vstack", "vsan")),
                    interval(config.resyncInterval()));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(VsanBackend.class);

    private final ConfigGuard<Config, Settings> settings;
    private final HostRegistry hosts;
    private final Path cluster;
    private final int replicaCount;
    private final Placement placement;
    private final Map<String, VsanObject> open = new HashMap<>();
    private final Map<String, VsanObject> resyncing = new ConcurrentHashMap<>();
    private final ScheduledExecutorService resyncThread;
    private final ByteBuffer resyncBuffer = ByteBuffer.allocateDirect(VsanObject.REGION_SIZE);
    final LongAdder reads = new LongAdder();
    final LongAdder writes = new LongAdder();
    final LongAdder bytesRead = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();
    final LongAdder resyncedRegions = new LongAdder();

    /** Creates the backend from its configuration (its defaults if that is refused) and starts its resync thread. */
    @Activate
    public VsanBackend(@Reference HostRegistry hosts, BundleContext context, Config config) throws IOException {
        this(hosts, config, KarafData.of(context));
    }

    /** Creates the backend from {@code config}; {@code dataRoot} holds the default directory. */
    VsanBackend(HostRegistry hosts, Config config, Path dataRoot) throws IOException {
        this(hosts, ConfigGuard.start(config, ConfigGuard.defaults(Config.class), c -> Settings.parse(c, dataRoot)));
    }

    /**
     * Creates the backend without Config Admin: for tests and benchmarks.
     *
     * @param resyncInterval how often the resync thread runs; zero for none (tests call {@link #resyncNow()})
     */
    public VsanBackend(HostRegistry hosts, Path cluster, int failuresToTolerate, List<String> members,
                       Duration resyncInterval) throws IOException {
        this(hosts, ConfigGuard.of(new Settings(ConfigKeys.wholeNumber(PID, "failuresToTolerate",
                        Integer.toString(failuresToTolerate), 0, 2), members, cluster, resyncInterval),
                c -> Settings.parse(c, cluster)));
    }

    private VsanBackend(HostRegistry hosts, ConfigGuard<Config, Settings> settings) throws IOException {
        this.settings = settings;
        Settings current = settings.current();
        this.hosts = hosts;
        this.cluster = Files.createDirectories(current.directory());
        this.replicaCount = current.failuresToTolerate() + 1;
        this.placement = new Placement(hosts, current.hosts(), replicaCount);
        if (current.resyncInterval().isZero()) {
            resyncThread = null;
        } else {
            resyncThread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "vstack-vsan-resync");
                thread.setDaemon(true);
                return thread;
            });
            long millis = Math.max(1, current.resyncInterval().toMillis());
            resyncThread.scheduleWithFixedDelay(this::resyncQuietly, millis, millis, TimeUnit.MILLISECONDS);
        }
        LOG.info("vSAN ready: {} replicas per object, members {}, object records under {}", replicaCount,
                current.hosts().isEmpty() ? "(every host)" : current.hosts(), cluster);
    }

    /**
     * Checks a changed configuration: a bad value is refused with one log line and changes nothing;
     * a good one applies at the next start (every key shapes the objects' placement or the resync thread).
     */
    @Modified
    void modified(Config config) {
        settings.update(config, (previous, next) -> {
            ConfigKeys.requireUnchanged(PID, "failuresToTolerate", previous.failuresToTolerate(), next.failuresToTolerate());
            ConfigKeys.requireUnchanged(PID, "hosts", previous.hosts(), next.hosts());
            ConfigKeys.requireUnchanged(PID, "directory", previous.directory(), next.directory());
            ConfigKeys.requireUnchanged(PID, "resyncInterval", previous.resyncInterval(), next.resyncInterval());
        });
    }

    /** The settings in force. */
    Settings settings() {
        return settings.current();
    }

    static List<String> memberList(String text) {
        List<String> list = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String host : list) {
            ConfigKeys.name(PID, "hosts", host);
        }
        return list;
    }

    private static Duration interval(String text) {
        return ConfigKeys.parse(PID, "resyncInterval", () -> {
            Duration d = Durations.parse(text);
            if (d.isZero()) {
                throw new IllegalArgumentException("must be more than 0");
            }
            return d;
        });
    }

    /** Stops the resync thread and closes every open object. */
    @Deactivate
    @Override
    public void close() {
        if (resyncThread != null) {
            // No interrupt: an interrupted FileChannel operation would close the replica's channel.
            resyncThread.shutdown();
            try {
                if (!resyncThread.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("vSAN resync thread did not stop within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            open.values().forEach(VsanObject::closeChannels);
            open.clear();
        }
        resyncing.clear();
    }

    String name() {
        return "vsan";
    }

    @Override
    public BackendType type() {
        return BackendType.VSAN;
    }

    @Override
    public synchronized BlockStore create(StoreSpec spec) throws StorageException {
        Path record = record(spec.id());
        if (Files.exists(record)) {
            throw new StoreExistsException(name() + ": object " + spec.id() + " exists already");
        }
        List<Host> chosen = placement.choose(spec, Placement.reservedPerHost(descriptors().values()));
        List<String> replicaHosts = chosen.stream().map(Host::name).toList();
        try {
            for (Host host : chosen) {
                Path file = componentFile(host.blockDevice(DEVICE).orElseThrow().path(), spec.id());
                Files.createDirectories(file.getParent());
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(0);
                    raf.setLength(spec.capacity());
                    raf.getChannel().force(true);
                }
            }
            new VsanDescriptor(spec.capacity(), spec.blockSize(), spec.host(), replicaHosts, Set.of(), 1).write(record);
        } catch (IOException e) {
            throw new StorageException(name() + ": creating object " + spec.id() + " failed: " + e.getMessage(), e);
        }
        LOG.info("vSAN object {} created ({}) with replicas on {}", spec.id(), ByteSize.ofBytes(spec.capacity()), replicaHosts);
        return open(spec.id(), spec.host());
    }

    @Override
    public synchronized BlockStore open(String storeId, String host) throws StorageException {
        StoreSpec.requireValidName("store id", storeId);
        VsanObject object = open.get(storeId);
        if (object == null) {
            object = load(storeId);
            open.put(storeId, object);
            if (Stream.of(object.replicas).anyMatch(Replica::stale)) {
                resyncing.put(storeId, object);
            }
        }
        object.handles++;
        return new VsanHandle(object);
    }

    private VsanObject load(String storeId) throws StorageException {
        Path record = record(storeId);
        if (!Files.exists(record)) {
            throw new StoreNotFoundException(name() + ": no object " + storeId);
        }
        VsanDescriptor descriptor;
        try {
            descriptor = VsanDescriptor.read(record);
        } catch (IOException e) {
            throw new StorageException(name() + ": opening object " + storeId + " failed: " + e.getMessage(), e);
        }
        Replica[] replicas = new Replica[descriptor.replicas().size()];
        List<Replica> lost = new ArrayList<>();
        try {
            for (int i = 0; i < replicas.length; i++) {
                String hostName = descriptor.replicas().get(i);
                Optional<BlockDevice> device = hosts.host(hostName).flatMap(h -> h.blockDevice(DEVICE));
                Path dir = device.map(BlockDevice::path).orElse(null);
                Path file = dir == null ? cluster.resolve("lost").resolve(hostName).resolve(storeId + ".data")
                        : componentFile(dir, storeId);
                boolean exists = Files.exists(file);
                Files.createDirectories(file.getParent());
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                replicas[i] = new Replica(hostName, file, channel, device.map(BlockDevice::simulation).orElse(null));
                if (!exists || dir == null) {
                    lost.add(replicas[i]);
                }
            }
        } catch (IOException e) {
            Stream.of(replicas).filter(r -> r != null).forEach(r -> {
                try {
                    r.channel.close();
                } catch (IOException ignored) {
                    // already failing: the open error is reported
                }
            });
            throw new StorageException(name() + ": opening object " + storeId + " failed: " + e.getMessage(), e);
        }
        VsanObject object = new VsanObject(this, storeId, descriptor, replicas);
        for (Replica replica : replicas) {
            if (descriptor.stale().contains(replica.host) || lost.contains(replica)) {
                // The record says it misses writes, but not which: copy it whole.
                object.markWhollyDirty(replica);
            }
        }
        if (!lost.isEmpty()) {
            persist(object);
        }
        return object;
    }

    synchronized void release(VsanObject object) {
        if (--object.handles == 0 && open.get(object.id) == object) {
            open.remove(object.id);
            object.closeChannels();
        }
    }

    @Override
    public synchronized void delete(String storeId) throws StorageException {
        StoreSpec.requireValidName("store id", storeId);
        Path record = record(storeId);
        if (!Files.exists(record)) {
            throw new StoreNotFoundException(name() + ": no object " + storeId);
        }
        VsanObject object = open.remove(storeId);
        if (object != null) {
            object.closeChannels();
        }
        resyncing.remove(storeId);
        try {
            VsanDescriptor descriptor = VsanDescriptor.read(record);
            Files.delete(record);
            StoreFiles.syncDirectory(cluster);
            for (String hostName : descriptor.replicas()) {
                Optional<Path> dir = hosts.host(hostName).flatMap(h -> h.blockDevice(DEVICE)).map(BlockDevice::path);
                if (dir.isPresent()) {
                    Files.deleteIfExists(componentFile(dir.get(), storeId));
                }
            }
        } catch (IOException e) {
            throw new StorageException(name() + ": deleting object " + storeId + " failed: " + e.getMessage(), e);
        }
        LOG.info("vSAN object {} deleted", storeId);
    }

    /** Records the object's replica states in the cluster directory; called before a write that made a replica stale returns. */
    void persist(VsanObject object) throws StorageException {
        synchronized (object) {
            Set<String> stale = new TreeSet<>();
            List<String> replicaHosts = new ArrayList<>();
            for (Replica replica : object.replicas) {
                replicaHosts.add(replica.host);
                if (replica.stale()) {
                    stale.add(replica.host);
                }
            }
            try {
                Path record = record(object.id);
                long generation = Files.exists(record) ? VsanDescriptor.read(record).generation() + 1 : 1;
                new VsanDescriptor(object.capacity, object.blockSize, object.creator, replicaHosts, stale, generation).write(record);
            } catch (IOException e) {
                throw new StorageException(name() + ": object " + object.id + ": recording replica state failed: "
                        + e.getMessage(), e);
            }
            if (stale.isEmpty()) {
                resyncing.remove(object.id);
            } else {
                resyncing.put(object.id, object);
            }
        }
    }

    /** Runs one resync pass now, on the caller's thread; returns the regions copied. */
    public int resyncNow() throws StorageException {
        synchronized (resyncBuffer) {
            int copied = 0;
            for (VsanObject object : List.copyOf(resyncing.values())) {
                for (Replica replica : object.replicas) {
                    replica.setKnobs(knobs(replica.host));
                }
                copied += object.resync(resyncBuffer);
            }
            resyncedRegions.add(copied);
            return copied;
        }
    }

    private void resyncQuietly() {
        try {
            synchronized (this) {
                for (VsanObject object : open.values()) {
                    for (Replica replica : object.replicas) {
                        replica.setKnobs(knobs(replica.host));
                    }
                }
            }
            resyncNow();
        } catch (StorageException | RuntimeException e) {
            LOG.warn("vSAN resync pass failed: {}", e.getMessage(), e);
        }
    }

    private SimulationKnobs knobs(String hostName) {
        return hosts.host(hostName).flatMap(h -> h.blockDevice(DEVICE)).map(BlockDevice::simulation).orElse(null);
    }

    private Map<String, VsanDescriptor> descriptors() {
        Map<String, VsanDescriptor> all = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(cluster)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".object")).toList()) {
                String id = file.getFileName().toString();
                try {
                    all.put(id.substring(0, id.length() - ".object".length()), VsanDescriptor.read(file));
                } catch (IOException e) {
                    LOG.debug("unreadable object record {}", file, e);
                }
            }
        } catch (IOException e) {
            LOG.debug("listing {} failed", cluster, e);
        }
        return all;
    }

    @Override
    public BackendStatus status() {
        List<String> names = placement.memberNames();
        long capacity = 0;
        List<String> down = new ArrayList<>();
        for (String hostName : names) {
            SimulationKnobs knobs = knobs(hostName);
            if (knobs == null || knobs.down()) {
                down.add(hostName);
            } else {
                capacity += hosts.host(hostName).flatMap(h -> h.blockDevice(DEVICE)).map(BlockDevice::capacity).orElse(0L);
            }
        }
        Map<String, VsanDescriptor> objects = descriptors();
        long used = objects.values().stream().mapToLong(VsanDescriptor::capacity).sum();
        List<String> stale = objects.entrySet().stream().filter(e -> !e.getValue().stale().isEmpty())
                .map(e -> e.getKey() + " on " + String.join(",", e.getValue().stale())).toList();
        int up = names.size() - down.size();
        Health health = up == 0 ? Health.DOWN : down.isEmpty() && stale.isEmpty() ? Health.HEALTHY : Health.DEGRADED;
        String detail = up + "/" + names.size() + " hosts up" + (down.isEmpty() ? "" : " (" + String.join(", ", down) + " down)")
                + ", " + replicaCount + " replicas per object, " + objects.size() + " objects"
                + (stale.isEmpty() ? "" : ", stale replicas: " + String.join("; ", stale));
        return new BackendStatus(name(), BackendType.VSAN, capacity / replicaCount, used, health, detail);
    }

    @Override
    public Map<String, String> labels() {
        return Map.of(MetricLabels.BACKEND, "vsan");
    }

    @Override
    public String source() {
        return "storage/vsan";
    }

    @Override
    public List<Metric> snapshot() {
        return List.of(Metric.counter("reads", "ops", reads.sum(), Map.of()), Metric.counter("writes", "ops", writes.sum(), Map.of()),
                Metric.counter("read.bytes", "bytes", bytesRead.sum(), Map.of()), Metric.counter("write.bytes", "bytes", bytesWritten.sum(), Map.of()),
                Metric.counter("resync.regions", "regions", resyncedRegions.sum(), Map.of()),
                Metric.gauge("objects.resyncing", "objects", resyncing.size(), Map.of()));
    }

    /** Stale replicas of open objects and their dirty regions, for tests and status. */
    Map<String, Integer> dirtyRegions(String storeId) {
        VsanObject object;
        synchronized (this) {
            object = open.get(storeId);
        }
        if (object == null) {
            return Map.of();
        }
        return Stream.of(object.replicas).filter(Replica::stale)
                .collect(Collectors.toMap(r -> r.host, Replica::dirtyRegions));
    }

    private Path record(String id) {
        return cluster.resolve(id + ".object");
    }

    private static Path componentFile(Path local0, String id) {
        return local0.resolve("vsan").resolve(id + ".data");
    }
}
