package io.vstack.storage.nfs.internal;

import io.vstack.support.ConfigGuard;
import io.vstack.support.ConfigKeys;
import io.vstack.api.Durations;
import io.vstack.support.KarafData;
import io.vstack.support.StoreFiles;
import io.vstack.support.StoreMetadata;
import io.vstack.api.ByteSize;
import io.vstack.api.storage.BackendStatus;
import io.vstack.api.storage.BackendStatus.Health;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.CapacityExceededException;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreExistsException;
import io.vstack.api.storage.StoreNotFoundException;
import io.vstack.api.storage.StoreSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NFS backend: each store is a file {@code <id>.img} on the export directory (sparse: the
 * export is thin, but a store reserves its size against the export's capacity), with its geometry in
 * {@code <id>.meta}. Opening a file takes this host's advisory lock on it, recorded in
 * {@code <id>.lck} with the owner host; another host's open is refused naming the owner, until the
 * owner closes. Locks are leases of this server instance: a restart releases the previous run's.
 */
@Component(service = {StorageBackend.class, NfsBackend.class}, configurationPid = NfsBackend.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, property = StorageBackend.TYPE_PROPERTY + "=nfs")
@Designate(ocd = NfsBackend.Config.class)
public final class NfsBackend implements StorageBackend {

    static final String PID = "io.vstack.storage.nfs";

    /** The configuration {@code etc/io.vstack.storage.nfs.cfg}. */
    @ObjectClassDefinition(id = PID, name = "vstack NFS backend",
            description = "Files on an NFS export directory, with client caching, advisory locks and stale handles")
    public @interface Config {
        @AttributeDefinition(description = "Name of the export (letters, digits, . _ -)")
        String export() default "nfs1";

        @AttributeDefinition(description = "Directory of the export; default ${karaf.data}/vstack/nfs/<export>")
        String directory() default "";

        @AttributeDefinition(description = "Capacity of the export, e.g. 100G; each file reserves its size")
        String capacity() default "100G";

        @AttributeDefinition(description = "Client write-back cache per open file, e.g. 4M (0: write through)")
        String clientCache() default "4M";

        @AttributeDefinition(description = "SIMULATION: latency added to each NFS call, e.g. 500us (off: 0)")
        String serverLatency() default "0";
    }

    /**
     * The backend's settings, parsed from its configuration.
     *
     * @param directory        the export directory
     * @param clientCacheBytes client write-back cache per open file
     */
    record Settings(String export, Path directory, long capacity, int clientCacheBytes, Duration serverLatency) {

        /** Parses a configuration; {@code dataRoot} holds the default directory. */
        static Settings parse(Config config, Path dataRoot) {
            String export = ConfigKeys.name(PID, "export", config.export());
            return new Settings(export, ConfigKeys.writableDirectory(PID, "directory",
                            ConfigKeys.dataDirectory(config.directory(), dataRoot, "vstack", "nfs", export)),
                    ConfigKeys.size(PID, "capacity", config.capacity(), false),
                    (int) Math.min(Integer.MAX_VALUE, ConfigKeys.size(PID, "clientCache", config.clientCache(), true)),
                    ConfigKeys.duration(PID, "serverLatency", config.serverLatency()));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(NfsBackend.class);

    private final ConfigGuard<Config, Settings> settings;
    private final String name;
    private final Path directory;
    final NfsServer server;
    /** Lock owner and open count per file, guarded by this. */
    private final Map<String, Map.Entry<String, Integer>> locks = new HashMap<>();

    /** Creates the backend from its configuration (its defaults if that is refused). */
    @Activate
    public NfsBackend(BundleContext context, Config config) throws IOException {
        this(config, KarafData.of(context));
    }

    /** Creates the backend from {@code config}; {@code dataRoot} holds the default directory. */
    NfsBackend(Config config, Path dataRoot) throws IOException {
        this(ConfigGuard.start(config, ConfigGuard.defaults(Config.class), c -> Settings.parse(c, dataRoot)));
    }

    /** Creates the backend over {@code directory}, without Config Admin: for tests and benchmarks. */
    public NfsBackend(String export, Path directory, long capacity, int clientCacheBytes, Duration serverLatency)
            throws IOException {
        this(ConfigGuard.of(new Settings(ConfigKeys.name(PID, "export", export), directory, capacity, clientCacheBytes,
                serverLatency), c -> Settings.parse(c, directory)));
    }

    private NfsBackend(ConfigGuard<Config, Settings> settings) throws IOException {
        this.settings = settings;
        Settings current = settings.current();
        this.name = "nfs-" + current.export();
        this.directory = Files.createDirectories(current.directory());
        this.server = new NfsServer(name);
        server.setLatency(current.serverLatency());
        int released = 0;
        try (Stream<Path> files = Files.list(directory)) {
            for (Path lock : files.filter(f -> f.getFileName().toString().endsWith(".lck")).toList()) {
                Files.deleteIfExists(lock);
                released++;
            }
        }
        LOG.info("NFS export {} ready under {} (capacity {}, client cache {} per file{})", current.export(), directory,
                ByteSize.ofBytes(current.capacity()), ByteSize.ofBytes(current.clientCacheBytes()),
                released > 0 ? ", released " + released + " locks of the previous run" : "");
    }

    /**
     * Applies a changed configuration in place: capacity, client cache (for files opened from now
     * on) and server latency; a change of the export or its directory applies at the next start. A
     * bad value is refused with one log line and changes nothing.
     */
    @Modified
    void modified(Config config) {
        settings.update(config, (previous, next) -> {
            ConfigKeys.requireUnchanged(PID, "export", previous.export(), next.export());
            ConfigKeys.requireUnchanged(PID, "directory", previous.directory(), next.directory());
            server.setLatency(next.serverLatency());
            LOG.info("NFS export {} reconfigured: capacity {}, client cache {} per file, server latency {}", next.export(),
                    ByteSize.ofBytes(next.capacity()), ByteSize.ofBytes(next.clientCacheBytes()),
                    Durations.format(next.serverLatency()));
        });
    }

    /** The settings in force. */
    Settings settings() {
        return settings.current();
    }

    /** The backend instance's name, {@code nfs-<export>}. */
    public String name() {
        return name;
    }

    @Override
    public BackendType type() {
        return BackendType.NFS;
    }

    @Override
    public synchronized BlockStore create(StoreSpec spec) throws StorageException {
        server.call("CREATE", spec.id());
        if (Files.exists(meta(spec.id()))) {
            throw new StoreExistsException(name + ": file " + spec.id() + " exists already");
        }
        long used = used();
        long capacity = settings().capacity();
        if (spec.capacity() > capacity - used) {
            throw new CapacityExceededException(name + ": no room for file " + spec.id() + " of "
                    + ByteSize.ofBytes(spec.capacity()).toHumanString() + ": export capacity "
                    + ByteSize.ofBytes(capacity).toHumanString() + ", " + ByteSize.ofBytes(capacity - used).toHumanString() + " free");
        }
        try {
            try (RandomAccessFile file = new RandomAccessFile(data(spec.id()).toFile(), "rw")) {
                file.setLength(0);
                file.setLength(spec.capacity());
                file.getChannel().force(true);
            }
            StoreMetadata.of(spec).write(meta(spec.id()));
        } catch (IOException e) {
            throw new StorageException(name + ": creating file " + spec.id() + " failed: " + e.getMessage(), e);
        }
        LOG.info("NFS {}: file {} created ({})", name, spec.id(), ByteSize.ofBytes(spec.capacity()));
        return open(spec.id(), spec.host());
    }

    /**
     * Opens the file for {@code host}, taking its advisory lock.
     *
     * @throws LockedException naming the owner if another host holds the lock
     */
    @Override
    public synchronized BlockStore open(String storeId, String host) throws StorageException {
        StoreSpec.requireValidName("store id", storeId);
        server.call("LOOKUP", storeId);
        if (!Files.exists(meta(storeId))) {
            throw new StoreNotFoundException(name + ": no file " + storeId);
        }
        Map.Entry<String, Integer> lock = locks.get(storeId);
        if (lock != null && !lock.getKey().equals(host)) {
            throw new LockedException(name + ": file " + storeId + " is locked by host " + lock.getKey()
                    + " (advisory lock in " + lockFile(storeId).getFileName() + "); close it there first");
        }
        try {
            NfsFile file = new NfsFile(this, storeId, host, StoreMetadata.read(meta(storeId)), data(storeId), settings().clientCacheBytes());
            if (lock == null) {
                Properties owner = new Properties();
                owner.setProperty("version", "1");
                owner.setProperty("owner", host);
                owner.setProperty("since", Instant.now().toString());
                StoreFiles.writeAtomically(lockFile(storeId), owner, "vstack store metadata");
                locks.put(storeId, Map.entry(host, 1));
            } else {
                locks.put(storeId, Map.entry(host, lock.getValue() + 1));
            }
            return file;
        } catch (IOException e) {
            throw new StorageException(name + ": opening file " + storeId + " failed: " + e.getMessage(), e);
        }
    }

    synchronized void release(NfsFile file) {
        Map.Entry<String, Integer> lock = locks.get(file.id());
        if (lock == null || !lock.getKey().equals(file.host())) {
            return;
        }
        if (lock.getValue() > 1) {
            locks.put(file.id(), Map.entry(lock.getKey(), lock.getValue() - 1));
            return;
        }
        locks.remove(file.id());
        try {
            Files.deleteIfExists(lockFile(file.id()));
        } catch (IOException e) {
            LOG.debug("removing lock of {} failed", file.id(), e);
        }
    }

    @Override
    public synchronized void delete(String storeId) throws StorageException {
        StoreSpec.requireValidName("store id", storeId);
        server.call("REMOVE", storeId);
        if (!Files.exists(meta(storeId))) {
            throw new StoreNotFoundException(name + ": no file " + storeId);
        }
        try {
            Files.delete(meta(storeId));
            Files.deleteIfExists(data(storeId));
            Files.deleteIfExists(lockFile(storeId));
            StoreFiles.syncDirectory(directory);
        } catch (IOException e) {
            throw new StorageException(name + ": deleting file " + storeId + " failed: " + e.getMessage(), e);
        }
        locks.remove(storeId);
        LOG.info("NFS {}: file {} deleted", name, storeId);
    }

    /** The lock owner of every locked file, by file. */
    public synchronized Map<String, String> lockOwners() {
        return locks.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getKey(),
                (a, b) -> a, TreeMap::new));
    }

    @Override
    public BackendStatus status() {
        List<String> files = files();
        Map<String, String> owners = lockOwners();
        String detail = "export " + directory + ", " + files.size() + " files, server " + server.describe()
                + (owners.isEmpty() ? "" : ", locks: " + owners.entrySet().stream()
                        .map(e -> e.getKey() + " by " + e.getValue()).collect(Collectors.joining(", ")));
        return new BackendStatus(name, BackendType.NFS, settings().capacity(), used(), server.down() ? Health.DOWN : Health.HEALTHY,
                detail);
    }

    /**
     * SIMULATION: changes the server's knobs.
     *
     * @return the server's state afterwards
     */
    public String simulateServer(Duration latency, Boolean down) {
        if (latency != null) {
            server.setLatency(latency);
        }
        if (down != null) {
            server.setDown(down);
        }
        return server.describe();
    }

    List<String> files() {
        return StoreMetadata.list(directory);
    }

    private long used() {
        return StoreMetadata.reserved(directory);
    }

    Path data(String id) {
        return directory.resolve(id + ".img");
    }

    private Path meta(String id) {
        return StoreMetadata.file(directory, id);
    }

    Path lockFile(String id) {
        return directory.resolve(id + ".lck");
    }

    static String lockOwner(Path lockFile) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(lockFile, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p.getProperty("owner");
    }
}
