package io.vstack.storage.san.internal;

import io.vstack.support.ConfigGuard;
import io.vstack.support.ConfigKeys;
import io.vstack.api.Durations;
import io.vstack.support.KarafData;
import io.vstack.support.StoreFiles;
import io.vstack.support.StoreMetadata;
import io.vstack.api.ByteSize;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricLabels;
import io.vstack.api.metrics.MetricSource;
import io.vstack.api.storage.BackendStatus;
import io.vstack.api.storage.BackendStatus.Health;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.BackendUnavailableException;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.CapacityExceededException;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreExistsException;
import io.vstack.api.storage.StoreNotFoundException;
import io.vstack.api.storage.StoreSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SAN backend: one simulated storage array whose LUNs are thick extents in real files of the
 * array's directory ({@code <id>.lun} holds the bytes, {@code <id>.meta} the geometry), reached
 * over {@code paths} paths. Every operation goes over one live path (round robin); if a path is
 * down, or goes down before the operation completes, the operation is reissued on the next path,
 * so the caller sees no error while one path lives.
 * <p>Thin on the host's side, thick on the array's: a LUN reserves its whole capacity on the array
 * when it is created, so the array refuses a LUN that does not fit.
 */
@Component(service = {StorageBackend.class, MetricSource.class, SanBackend.class},
        configurationPid = SanBackend.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = StorageBackend.TYPE_PROPERTY + "=san")
@Designate(ocd = SanBackend.Config.class)
public final class SanBackend implements StorageBackend, MetricSource {

    static final String PID = "io.vstack.storage.san";
    static final int MAX_PATHS = 8;

    /** The configuration {@code etc/io.vstack.storage.san.cfg}. */
    @ObjectClassDefinition(id = PID, name = "vstack SAN backend",
            description = "LUNs on a simulated storage array reached over several paths")
    public @interface Config {
        @AttributeDefinition(description = "Name of the array (letters, digits, . _ -)")
        String array() default "array1";

        @AttributeDefinition(description = "Directory of the array's LUN files; default ${karaf.data}/vstack/san/<array>")
        String directory() default "";

        @AttributeDefinition(description = "Capacity of the array, e.g. 100G; every LUN reserves its whole size")
        String capacity() default "100G";

        @AttributeDefinition(type = AttributeType.INTEGER, min = "2", max = "8", description = "Paths from the host to the array (2 to 8)")
        String paths() default "2";

        @AttributeDefinition(description = "SIMULATION: latency added on each path, e.g. 200us (off: 0)")
        String pathLatency() default "0";
    }

    /**
     * The backend's settings, parsed from its configuration.
     *
     * @param directory the array's LUN files
     */
    record Settings(String array, Path directory, long capacity, int paths, Duration pathLatency) {

        /** Parses a configuration; {@code dataRoot} holds the default directory. */
        static Settings parse(Config config, Path dataRoot) {
            String array = ConfigKeys.name(PID, "array", config.array());
            return new Settings(array, ConfigKeys.writableDirectory(PID, "directory",
                            ConfigKeys.dataDirectory(config.directory(), dataRoot, "vstack", "san", array)),
                    ConfigKeys.size(PID, "capacity", config.capacity(), false),
                    ConfigKeys.wholeNumber(PID, "paths", config.paths(), 2, MAX_PATHS),
                    ConfigKeys.duration(PID, "pathLatency", config.pathLatency()));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(SanBackend.class);

    private final ConfigGuard<Config, Settings> settings;
    private final String array;
    private final String name;
    private final Path directory;
    private final SanPath[] paths;
    private final AtomicInteger next = new AtomicInteger();
    final LongAdder reads = new LongAdder();
    final LongAdder writes = new LongAdder();
    final LongAdder bytesRead = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();
    final LongAdder failovers = new LongAdder();

    /** Creates the backend from its configuration (its defaults if that is refused); the array directory is created if missing. */
    @Activate
    public SanBackend(BundleContext context, Config config) throws IOException {
        this(config, KarafData.of(context));
    }

    /** Creates the backend from {@code config}; {@code dataRoot} holds the default directory. */
    SanBackend(Config config, Path dataRoot) throws IOException {
        this(ConfigGuard.start(config, ConfigGuard.defaults(Config.class), c -> Settings.parse(c, dataRoot)));
    }

    /** Creates the backend over {@code directory}, without Config Admin: for tests and benchmarks. */
    public SanBackend(String array, Path directory, long capacity, int paths, Duration pathLatency) throws IOException {
        this(ConfigGuard.of(new Settings(ConfigKeys.name(PID, "array", array), directory, capacity,
                        ConfigKeys.wholeNumber(PID, "paths", Integer.toString(paths), 2, MAX_PATHS), pathLatency),
                c -> Settings.parse(c, directory)));
    }

    private SanBackend(ConfigGuard<Config, Settings> settings) throws IOException {
        this.settings = settings;
        Settings current = settings.current();
        this.array = current.array();
        this.name = "san-" + array;
        this.directory = Files.createDirectories(current.directory());
        this.paths = new SanPath[current.paths()];
        for (int i = 0; i < this.paths.length; i++) {
            this.paths[i] = new SanPath(array, "path" + i, current.pathLatency());
        }
        LOG.info("SAN array {} ready: {} paths, capacity {}, LUNs under {}", array, paths.length,
                ByteSize.ofBytes(current.capacity()), directory);
    }

    /**
     * Applies a changed configuration in place: capacity and path latency; a change of the array,
     * its directory or the number of paths applies when the bundle restarts. A bad value is
     * refused with one log line and changes nothing.
     */
    @Modified
    void modified(Config config) {
        settings.update(config, (previous, next) -> {
            ConfigKeys.requireUnchanged(PID, "array", previous.array(), next.array());
            ConfigKeys.requireUnchanged(PID, "directory", previous.directory(), next.directory());
            ConfigKeys.requireUnchanged(PID, "paths", previous.paths(), next.paths());
            for (SanPath path : paths) {
                path.setLatency(next.pathLatency());
            }
            LOG.info("SAN array {} reconfigured: capacity {}, path latency {}", array, ByteSize.ofBytes(next.capacity()),
                    Durations.format(next.pathLatency()));
        });
    }

    /** The settings in force. */
    Settings settings() {
        return settings.current();
    }

    /** The backend instance's name, {@code san-<array>}, as errors and {@code storage:list} show it. */
    public String name() {
        return name;
    }

    /** The paths, in order. */
    List<SanPath> paths() {
        return List.of(paths);
    }

    /** The path named {@code name}, if there is one. */
    Optional<SanPath> path(String pathName) {
        return Arrays.stream(paths).filter(p -> p.name().equals(pathName)).findFirst();
    }

    /** The names of the paths, in order. */
    public List<String> pathNames() {
        return Arrays.stream(paths).map(SanPath::name).toList();
    }

    /** One row per path: name, state ({@code up}/{@code DOWN} and latency), operations completed over it. */
    public List<String[]> pathStates() {
        return Arrays.stream(paths).map(p -> new String[] {p.name(), p.describe(), Long.toString(p.operations())}).toList();
    }

    /**
     * SIMULATION: changes one path's knobs.
     *
     * @param pathName the path
     * @param latency  the new added latency, or null to keep it
     * @param down     whether to hold it down, or null to keep it
     * @return the path's state afterwards
     * @throws IllegalArgumentException naming the paths if there is no such path
     */
    public String simulatePath(String pathName, Duration latency, Boolean down) {
        SanPath path = path(pathName).orElseThrow(() -> new IllegalArgumentException(name + " has no path '" + pathName
                + "'; its paths: " + String.join(", ", pathNames())));
        if (latency != null) {
            path.setLatency(latency);
        }
        if (down != null) {
            path.setDown(down);
        }
        return path.describe();
    }

    @Override
    public BackendType type() {
        return BackendType.SAN;
    }

    @Override
    public synchronized BlockStore create(StoreSpec spec) throws StorageException {
        Path meta = metaFile(spec.id());
        Path data = dataFile(spec.id());
        requireAPath("create LUN " + spec.id());
        if (Files.exists(meta)) {
            throw new StoreExistsException(name + ": LUN " + spec.id() + " exists already");
        }
        long used = used();
        long capacity = settings().capacity();
        if (spec.capacity() > capacity - used) {
            throw new CapacityExceededException(name + ": no room for LUN " + spec.id() + " of "
                    + ByteSize.ofBytes(spec.capacity()).toHumanString() + ": array capacity "
                    + ByteSize.ofBytes(capacity).toHumanString() + ", " + ByteSize.ofBytes(capacity - used).toHumanString() + " free");
        }
        try {
            // The extent: the file has the LUN's full length from the start and reads zeros.
            try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw")) {
                file.setLength(0);
                file.setLength(spec.capacity());
                file.getChannel().force(true);
            }
            StoreMetadata.of(spec).write(meta);
        } catch (IOException e) {
            throw new StorageException(name + ": creating LUN " + spec.id() + " failed: " + e.getMessage(), e);
        }
        LOG.info("SAN {}: LUN {} created ({})", array, spec.id(), ByteSize.ofBytes(spec.capacity()));
        return open(spec.id(), spec.host());
    }

    @Override
    public BlockStore open(String storeId, String host) throws StorageException {
        StoreSpec.requireValidName("store id", storeId);
        Path meta = metaFile(storeId);
        requireAPath("open LUN " + storeId);
        if (!Files.exists(meta)) {
            throw new StoreNotFoundException(name + ": no LUN " + storeId);
        }
        try {
            StoreMetadata geometry = StoreMetadata.read(meta);
            return new Lun(this, storeId, geometry, dataFile(storeId));
        } catch (IOException e) {
            throw new StorageException(name + ": opening LUN " + storeId + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void delete(String storeId) throws StorageException {
        StoreSpec.requireValidName("store id", storeId);
        Path meta = metaFile(storeId);
        requireAPath("delete LUN " + storeId);
        if (!Files.exists(meta)) {
            throw new StoreNotFoundException(name + ": no LUN " + storeId);
        }
        try {
            Files.delete(meta);
            StoreFiles.syncDirectory(directory);
            Files.deleteIfExists(dataFile(storeId));
        } catch (IOException e) {
            throw new StorageException(name + ": deleting LUN " + storeId + " failed: " + e.getMessage(), e);
        }
        LOG.info("SAN {}: LUN {} deleted", array, storeId);
    }

    @Override
    public BackendStatus status() {
        long up = Arrays.stream(paths).filter(p -> !p.down()).count();
        Health health = up == paths.length ? Health.HEALTHY : up == 0 ? Health.DOWN : Health.DEGRADED;
        String detail = up + "/" + paths.length + " paths up"
                + (up < paths.length ? " (" + Arrays.stream(paths).filter(SanPath::down).map(SanPath::name)
                        .collect(Collectors.joining(", ")) + " down)" : "")
                + ", " + luns().size() + " LUNs";
        return new BackendStatus(name, BackendType.SAN, settings().capacity(), used(), health, detail);
    }

    @Override
    public Map<String, String> labels() {
        return Map.of(MetricLabels.BACKEND, "san");
    }

    @Override
    public String source() {
        return "storage/" + name;
    }

    @Override
    public List<Metric> snapshot() {
        List<Metric> metrics = new ArrayList<>();
        metrics.add(Metric.counter("reads", "ops", reads.sum(), Map.of()));
        metrics.add(Metric.counter("writes", "ops", writes.sum(), Map.of()));
        metrics.add(Metric.counter("read.bytes", "bytes", bytesRead.sum(), Map.of()));
        metrics.add(Metric.counter("write.bytes", "bytes", bytesWritten.sum(), Map.of()));
        metrics.add(Metric.counter("failovers", "ops", failovers.sum(), Map.of()));
        metrics.add(new Metric("paths.up", "paths", Arrays.stream(paths).filter(p -> !p.down()).count()));
        return metrics;
    }

    /** The ids of the array's LUNs, sorted. */
    List<String> luns() {
        return StoreMetadata.list(directory);
    }

    private long used() {
        return StoreMetadata.reserved(directory);
    }

    private Path metaFile(String id) {
        return StoreMetadata.file(directory, id);
    }

    private Path dataFile(String id) {
        return directory.resolve(id + ".lun");
    }

    /** Management operations also need a live path to the array. */
    private void requireAPath(String what) throws BackendUnavailableException {
        for (SanPath path : paths) {
            if (path.begin() && path.end()) {
                return;
            }
        }
        throw allPathsDown(what);
    }

    BackendUnavailableException allPathsDown(String what) {
        return new BackendUnavailableException(name + ": " + what + " failed: all " + paths.length
                + " paths to the array are down (" + Arrays.stream(paths).map(p -> p.name() + " " + p.describe())
                        .collect(Collectors.joining(", ")) + ")");
    }

    static final int READ = 0;
    static final int WRITE = 1;
    static final int FLUSH = 2;

    /**
     * Issues one operation of {@code lun} over a live path, failing over to the next path when the
     * path is down or goes down before the operation completes. Allocates nothing unless every path
     * fails.
     */
    void issue(Lun lun, int op, long offset, ByteBuffer buffer) throws StorageException {
        int start = buffer == null ? 0 : buffer.position();
        int first = Math.floorMod(next.getAndIncrement(), paths.length);
        for (int attempt = 0; attempt < paths.length; attempt++) {
            SanPath path = paths[(first + attempt) % paths.length];
            if (!path.begin()) {
                continue;
            }
            if (buffer != null) {
                buffer.position(start);
            }
            try {
                switch (op) {
                    case READ -> lun.readAt(offset, buffer);
                    case WRITE -> lun.writeAt(offset, buffer);
                    default -> lun.force();
                }
            } catch (IOException e) {
                throw lun.failure(op, offset, e);
            }
            if (path.end()) {
                if (attempt > 0) {
                    failovers.increment();
                }
                return;
            }
        }
        if (buffer != null) {
            buffer.position(start);
        }
        throw allPathsDown("LUN " + lun.id() + ": " + Lun.opName(op) + (op == FLUSH ? "" : " at " + offset));
    }
}
