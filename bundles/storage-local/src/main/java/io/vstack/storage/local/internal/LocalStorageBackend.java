package io.vstack.storage.local.internal;

import io.vstack.api.ByteSize;
import io.vstack.support.ConfigGuard;
import io.vstack.support.ConfigKeys;
import io.vstack.api.hw.BlockDevice;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.storage.BackendStatus;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.CapacityExceededException;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreExistsException;
import io.vstack.api.storage.StoreNotFoundException;
import io.vstack.api.storage.StoreSpec;
import io.vstack.support.KarafData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LOCAL storage backend: each store is a sparse file {@code <id>.img} on the local block
 * device {@code local0} of the host it was created for ({@link BlockDevice#path()}), or in the
 * configured fallback directory when that host has no such device. Creating a store takes no
 * space (thin provisioning: the file is extended with {@code ftruncate}, never written).
 * <p>I/O is positional {@link FileChannel} I/O on the caller's buffer; with {@code directIo}
 * the channel is opened with {@code O_DIRECT} and stores need their file system's block size
 * as alignment. Every operation first passes the device's simulation knobs.
 */
@Component(service = StorageBackend.class, configurationPid = LocalStorageBackend.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = StorageBackend.TYPE_PROPERTY + "=local")
@Designate(ocd = LocalStorageBackend.Config.class)
public final class LocalStorageBackend implements StorageBackend {

    static final String PID = "io.vstack.storage.local";
    static final String NAME = "local";
    static final String DEVICE = "local0";
    static final String SUFFIX = ".img";

    /** The backend's configuration. */
    @ObjectClassDefinition(id = PID, name = "vstack local storage backend",
            description = "Sparse files on each host's local block device (local0)")
    public @interface Config {
        @AttributeDefinition(description = "Directory for the stores of hosts without a local block device; "
                + "empty means ${karaf.data}/vstack/storage/local")
        String directory() default "";

        @AttributeDefinition(description = "Open stores with O_DIRECT (bypass the page cache): true or false. "
                + "Disks then need a block size that is a multiple of the file system's block size (usually 4096)")
        String directIo() default "false";
    }

    /**
     * The backend's settings, parsed from its configuration.
     *
     * @param directory the stores of hosts without a local block device
     * @param directIo  whether stores are opened with {@code O_DIRECT}
     */
    record Settings(Path directory, boolean directIo) {

        /** Parses a configuration; {@code dataRoot} holds the default directory. */
        static Settings parse(Config config, Path dataRoot) {
            return new Settings(ConfigKeys.writableDirectory(PID, "directory",
                    ConfigKeys.dataDirectory(config.directory(), dataRoot, "vstack", "storage", "local")),
                    ConfigKeys.parse(PID, "directIo", () -> parseDirect(config.directIo())));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LocalStorageBackend.class);

    private final ConfigGuard<Config, Settings> settings;
    private final HostRegistry hosts;
    private final Path fallback;

    /** Creates the backend from its configuration (its defaults if that is refused). */
    @Activate
    public LocalStorageBackend(@Reference HostRegistry hosts, Config config, BundleContext context) {
        this(hosts, config, KarafData.of(context));
    }

    /** Creates the backend from {@code config}; {@code dataRoot} holds the default directory. */
    LocalStorageBackend(HostRegistry hosts, Config config, Path dataRoot) {
        this(hosts, ConfigGuard.start(config, ConfigGuard.defaults(Config.class), c -> Settings.parse(c, dataRoot)));
    }

    /** Creates the backend over {@code fallback}, with or without direct I/O, without Config Admin: for tests and benchmarks. */
    public LocalStorageBackend(HostRegistry hosts, Path fallback, boolean direct) {
        this(hosts, ConfigGuard.of(new Settings(fallback, direct), c -> Settings.parse(c, fallback)));
    }

    private LocalStorageBackend(HostRegistry hosts, ConfigGuard<Config, Settings> settings) {
        this.settings = settings;
        this.hosts = hosts;
        this.fallback = settings.current().directory();
        LOG.info("Local storage backend ready: stores on each host's {}, else under {}; direct I/O {}",
                DEVICE, fallback, direct() ? "on" : "off");
    }

    /**
     * Applies a changed configuration in place: {@code directIo}, for stores opened from now on; a
     * change of the directory applies at the next start. A bad value is refused with one log line
     * and changes nothing.
     */
    @Modified
    void modified(Config config) {
        settings.update(config, (previous, next) -> {
            ConfigKeys.requireUnchanged(PID, "directory", previous.directory(), next.directory());
            LOG.info("Local storage backend reconfigured: direct I/O {} for stores opened from now on",
                    next.directIo() ? "on" : "off");
        });
    }

    static boolean parseDirect(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "true" -> true;
            case "false", "" -> false;
            default -> throw new IllegalArgumentException("must be true or false, not '" + value + "'");
        };
    }

    @Override
    public BackendType type() {
        return BackendType.LOCAL;
    }

    /** Whether stores are opened with {@code O_DIRECT}. */
    boolean direct() {
        return settings.current().directIo();
    }

    @Override
    public BlockStore create(StoreSpec spec) throws StorageException {
        Optional<Located> existing = locate(spec.id(), spec.host());
        if (existing.isPresent()) {
            throw new StoreExistsException(NAME + ": store " + spec.id() + " exists already at " + existing.get().file);
        }
        Optional<BlockDevice> device = hosts.host(spec.host()).flatMap(h -> h.blockDevice(DEVICE));
        Path dir = device.map(BlockDevice::path).orElse(fallback);
        Path file = dir.resolve(spec.id() + SUFFIX);
        try {
            Files.createDirectories(dir);
            // Thin provisioning may overcommit the device in sum, but one store larger than it could never be filled.
            long room = device.isPresent() ? device.get().capacity() : Files.getFileStore(dir).getTotalSpace();
            if (spec.capacity() > room) {
                throw new CapacityExceededException(NAME + ": no room for store " + spec.id() + " of "
                        + ByteSize.ofBytes(spec.capacity()).toHumanString() + ": " + device.map(d -> spec.host() + "'s " + DEVICE)
                        .orElse(dir.toString()) + " holds " + ByteSize.ofBytes(room).toHumanString());
            }
            // Thin provisioning: ftruncate extends the file without allocating a block.
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                if (raf.length() != 0) {
                    throw new StoreExistsException(NAME + ": store " + spec.id() + " exists already at " + file);
                }
                raf.setLength(spec.capacity());
                raf.getFD().sync();
            }
            syncDirectory(dir);
        } catch (StorageException e) {
            throw e;
        } catch (IOException e) {
            throw new StorageException(NAME + ": store " + spec.id() + ": cannot create " + file + ": " + e.getMessage(), e);
        }
        LOG.info("Created store {} ({}, sparse) at {}", spec.id(), ByteSize.ofBytes(spec.capacity()), file);
        return openFile(spec.id(), file, device.orElse(null));
    }

    @Override
    public BlockStore open(String storeId, String host) throws StorageException {
        StoreSpec.requireValidName("store id", storeId);
        Located located = locate(storeId, host).orElseThrow(() -> new StoreNotFoundException(
                NAME + ": no store " + storeId + " on host " + host + "'s " + DEVICE + " or under " + fallback));
        return openFile(storeId, located.file, located.device);
    }

    private LocalBlockStore openFile(String storeId, Path file, BlockDevice device) throws StorageException {
        return LocalBlockStore.open(NAME, storeId, file, device == null ? null : device.simulation(), direct());
    }

    @Override
    public void delete(String storeId) throws StorageException {
        StoreSpec.requireValidName("store id", storeId);
        Located located = locate(storeId, null).orElseThrow(() -> new StoreNotFoundException(
                NAME + ": no store " + storeId + " to delete"));
        try {
            Files.delete(located.file);
            syncDirectory(located.file.getParent());
        } catch (IOException e) {
            throw new StorageException(NAME + ": store " + storeId + ": cannot delete " + located.file + ": " + e.getMessage(), e);
        }
        LOG.info("Deleted store {} ({})", storeId, located.file);
    }

    @Override
    public BackendStatus status() {
        Map<Path, BlockDevice> dirs = directories();
        long capacity = 0;
        long provisioned = 0;
        int stores = 0;
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Path, BlockDevice> entry : dirs.entrySet()) {
            BlockDevice device = entry.getValue();
            try {
                capacity += device != null ? device.capacity()
                        : Files.isDirectory(entry.getKey()) ? Files.getFileStore(entry.getKey()).getTotalSpace() : 0;
                for (Path file : storeFiles(entry.getKey())) {
                    stores++;
                    provisioned += Files.size(file);
                }
            } catch (IOException e) {
                problems.add(entry.getKey() + ": " + e.getMessage());
            }
        }
        String detail = stores + " stores, " + ByteSize.ofBytes(provisioned).toHumanString()
                + " provisioned (sparse files: space is allocated as written); direct I/O " + (direct() ? "on" : "off")
                + (problems.isEmpty() ? "" : "; unreadable: " + String.join(", ", problems));
        return new BackendStatus(NAME, BackendType.LOCAL, capacity, provisioned,
                problems.isEmpty() ? BackendStatus.Health.HEALTHY : BackendStatus.Health.DEGRADED, detail);
    }

    /** Where a store's file is, and the device it lives on (null in the fallback directory). */
    private record Located(Path file, BlockDevice device) {
    }

    /** Finds a store: on {@code preferredHost}'s device first, then in the fallback directory, then on any host. */
    private Optional<Located> locate(String storeId, String preferredHost) {
        String name = storeId + SUFFIX;
        if (preferredHost != null) {
            Optional<BlockDevice> device = hosts.host(preferredHost).flatMap(h -> h.blockDevice(DEVICE));
            if (device.isPresent() && Files.isRegularFile(device.get().path().resolve(name))) {
                return Optional.of(new Located(device.get().path().resolve(name), device.get()));
            }
        }
        for (Map.Entry<Path, BlockDevice> entry : directories().entrySet()) {
            Path file = entry.getKey().resolve(name);
            if (Files.isRegularFile(file)) {
                return Optional.of(new Located(file, entry.getValue()));
            }
        }
        return Optional.empty();
    }

    /** Every directory that may hold stores: the fallback (device null) and each host's local device. */
    private Map<Path, BlockDevice> directories() {
        Map<Path, BlockDevice> dirs = new LinkedHashMap<>();
        dirs.put(fallback, null);
        for (Host host : hosts.hosts()) {
            host.blockDevice(DEVICE).ifPresent(device -> dirs.put(device.path(), device));
        }
        return dirs;
    }

    private static List<Path> storeFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            stream.forEach(files::add);
        }
        return files;
    }

    /** Makes a directory entry change (create, rename, delete) durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
