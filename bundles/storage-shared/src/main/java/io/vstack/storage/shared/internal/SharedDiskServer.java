package io.vstack.storage.shared.internal;

import io.vstack.api.UserText;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreExistsException;
import io.vstack.api.storage.StoreSpec;
import io.vstack.api.transport.ProtocolHandler;
import io.vstack.support.ConfigGuard;
import io.vstack.support.ConfigKeys;
import io.vstack.support.KarafData;
import io.vstack.support.StoreFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared-disk server (WO2014197289): serves logical units (LUNs) that initiators on several
 * hosts, in this process or others, open over the vstack transport with the {@link Rsvd}
 * protocol. A LUN's bytes are a store of the local backend on the configured host; its
 * persistent reservation state is a properties file beside its description, written
 * crash-safely before a reservation change is answered, so keys and reservations survive a
 * restart of the server. Device contexts do not: after a restart a client opens its context
 * again.
 */
@Component(service = {ProtocolHandler.class, SharedDiskServer.class}, configurationPid = SharedDiskServer.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ProtocolHandler.PROTOCOL_PROPERTY + "=" + Rsvd.PROTOCOL)
@Designate(ocd = SharedDiskServer.Config.class)
public final class SharedDiskServer implements ProtocolHandler {

    static final String PID = "io.vstack.storage.shared.server";
    /** The transport protocol the server answers. */
    public static final String PROTOCOL = Rsvd.PROTOCOL;
    /** The prefix of a LUN's store id on the local backend (a benchmark reads the store directly). */
    public static final String STORE_PREFIX = "shared-";

    /** The server's configuration. */
    @ObjectClassDefinition(id = PID, name = "vstack shared disk server",
            description = "Serves shared LUNs with SCSI persistent reservations over the vstack transport")
    public @interface Config {
        @AttributeDefinition(description = "The host whose local storage holds the LUNs' bytes")
        String host() default "esx1";

        @AttributeDefinition(description = "Directory for the LUNs' descriptions and reservation state; "
                + "empty means ${karaf.data}/vstack/storage/shared")
        String directory() default "";
    }

    /**
     * The server's settings.
     *
     * @param host      the host whose local storage holds the LUNs
     * @param directory the LUNs' descriptions and reservation state
     */
    record Settings(String host, Path directory) {
        static Settings parse(Config config, Path dataRoot) {
            return new Settings(ConfigKeys.name(PID, "host", config.host()),
                    ConfigKeys.writableDirectory(PID, "directory",
                            ConfigKeys.dataDirectory(config.directory(), dataRoot, "vstack", "storage", "shared")));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(SharedDiskServer.class);

    /** One served LUN: its store and its SCSI target, opened on first use. */
    private final class Lun {
        final String name;
        final long capacity;
        private ScsiTarget target;
        private BlockStore store;
        private final Map<UUID, String> initiatorHosts = new ConcurrentHashMap<>();

        Lun(String name, long capacity) {
            this.name = name;
            this.capacity = capacity;
        }

        synchronized ScsiTarget target() throws StorageException {
            if (target == null) {
                Properties state = load(stateFile(name));
                state.stringPropertyNames().stream().filter(key -> key.startsWith("initiator."))
                        .forEach(key -> initiatorHosts.put(UUID.fromString(key.substring(10)),
                                state.getProperty(key)));
                store = local.open(STORE_PREFIX + name, settings.host());
                target = new ScsiTarget(store, state.isEmpty() ? new PersistentReservations()
                        : PersistentReservations.fromProperties(state), this::saveState);
            }
            return target;
        }

        void saveState(Properties state) throws IOException {
            initiatorHosts.forEach((initiator, host) -> state.setProperty("initiator." + initiator, host));
            StoreFiles.writeAtomically(stateFile(name), state, "vstack shared LUN " + name
                    + ": SCSI persistent reservations");
        }

        synchronized void close() {
            if (store != null) {
                try {
                    store.close();
                } catch (StorageException e) {
                    LOG.warn("Shared LUN {}: {}", name, e.getMessage());
                }
                store = null;
                target = null;
            }
        }
    }

    /** An open device context: an initiator's session on a LUN. */
    private record Context(UUID initiator, String host, Lun lun) {
    }

    private final StorageBackend local;
    private final Settings settings;
    private final Map<String, Lun> luns = new ConcurrentHashMap<>();
    private final Map<Long, Context> contexts = new ConcurrentHashMap<>();
    private final AtomicLong nextContext = new AtomicLong(System.nanoTime() & 0xFFFF_FFFFL);

    /** Creates the server from its configuration. */
    @Activate
    public SharedDiskServer(@Reference(target = "(" + StorageBackend.TYPE_PROPERTY + "=local)") StorageBackend local,
            Config config, BundleContext context) {
        this(local, ConfigGuard.start(config, ConfigGuard.defaults(Config.class),
                c -> Settings.parse(c, KarafData.of(context))).current());
    }

    /**
     * Creates a server over {@code local}'s stores on {@code host}, its state in {@code directory},
     * without Config Admin: for tests and benchmarks, which add it to a transport under
     * {@link #PROTOCOL}.
     */
    public SharedDiskServer(StorageBackend local, String host, Path directory) {
        this(local, new Settings(host, directory));
    }

    SharedDiskServer(StorageBackend local, Settings settings) {
        this.local = local;
        this.settings = settings;
        try {
            Files.createDirectories(settings.directory());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Stream<Path> files = Files.list(settings.directory())) {
            files.filter(f -> f.getFileName().toString().endsWith(".lun")).forEach(this::register);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LOG.info("Shared disk server: {} LUN(s) on host {}'s local storage, state under {}", luns.size(),
                settings.host(), settings.directory());
    }

    private void register(Path description) {
        String file = description.getFileName().toString();
        String name = file.substring(0, file.length() - ".lun".length());
        try {
            long capacity = Long.parseLong(load(description).getProperty("capacity", ""));
            luns.put(name, new Lun(name, capacity));
        } catch (StorageException | NumberFormatException e) {
            LOG.warn("Shared disk server: LUN description {} is unreadable and is not served: {}", description,
                    e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        contexts.clear();
        luns.values().forEach(Lun::close);
    }

    @Override
    public ByteBuffer handle(ByteBuffer request, String peer) {
        int operation = -1;
        long requestId = 0;
        try {
            operation = request.getInt();
            request.getInt();
            requestId = request.getLong();
            return switch (operation) {
                case Rsvd.OPEN_DEVICE_CONTEXT -> open(request, requestId);
                case Rsvd.TUNNEL_SCSI -> tunnel(request, requestId);
                case Rsvd.CLOSE_DEVICE_CONTEXT -> {
                    contexts.remove(request.getLong());
                    yield Rsvd.reply(operation, requestId, 0).flip();
                }
                case Rsvd.CREATE_LUN -> createLun(request, requestId);
                case Rsvd.DELETE_LUN -> deleteLun(request, requestId);
                case Rsvd.LIST_LUNS -> listLuns(requestId);
                case Rsvd.RESERVATION_STATE -> reservationState(request, requestId);
                default -> Rsvd.failure(operation, requestId, Rsvd.UNKNOWN_OPERATION,
                        "unknown operation " + operation);
            };
        } catch (BufferUnderflowException e) {
            return Rsvd.failure(operation, requestId, Rsvd.INVALID_PARAMETER, "request of " + request.limit()
                    + " bytes is cut short");
        } catch (Rsvd.MalformedException e) {
            return Rsvd.failure(operation, requestId, Rsvd.INVALID_PARAMETER, e.getMessage());
        } catch (Rsvd.FailureException e) {
            return Rsvd.failure(operation, requestId, e.status, e.getMessage());
        } catch (StorageException e) {
            return Rsvd.failure(operation, requestId, Rsvd.STORAGE_ERROR, e.getMessage());
        }
    }

    private Lun lun(String name) throws Rsvd.FailureException {
        Lun lun = luns.get(name);
        if (lun == null) {
            throw new Rsvd.FailureException(Rsvd.NO_SUCH_LUN, "no shared LUN " + UserText.quote(name));
        }
        return lun;
    }

    private ByteBuffer open(ByteBuffer request, long requestId)
            throws Rsvd.MalformedException, Rsvd.FailureException, StorageException {
        UUID initiator = Rsvd.getUuid(request);
        String host = Rsvd.getName(request, "host name");
        String name = Rsvd.getName(request, "LUN name");
        if (initiator.getMostSignificantBits() == 0 && initiator.getLeastSignificantBits() == 0) {
            // MS-RSVD 3.2.5.5.5: a zero initiator id is refused.
            throw new Rsvd.FailureException(Rsvd.INVALID_INITIATOR, "initiator id 0 is not allowed");
        }
        Lun lun = lun(name);
        lun.target();
        lun.initiatorHosts.put(initiator, host);
        long context = nextContext.incrementAndGet();
        contexts.put(context, new Context(initiator, host, lun));
        ByteBuffer reply = Rsvd.reply(Rsvd.OPEN_DEVICE_CONTEXT, requestId, 20);
        return reply.putLong(context).putLong(lun.capacity).putInt(ScsiTarget.BLOCK_SIZE).flip();
    }

    private ByteBuffer tunnel(ByteBuffer request, long requestId)
            throws Rsvd.MalformedException, Rsvd.FailureException, StorageException {
        Context context = contexts.get(request.getLong());
        if (context == null) {
            throw new Rsvd.FailureException(Rsvd.NO_SUCH_CONTEXT, "no such device context (the server restarted?)");
        }
        int cdbLength = Byte.toUnsignedInt(request.get());
        request.get(); // sense info length: fixed-format sense is always 18 bytes
        int dataIn = request.getInt();
        int dataOut = request.getInt();
        if (cdbLength == 0 || cdbLength > Rsvd.MAX_CDB_BYTES || dataIn < 0 || dataIn > Rsvd.MAX_DATA_BYTES
                || dataOut < 0 || dataOut > Rsvd.MAX_DATA_BYTES || request.remaining() != cdbLength + dataOut) {
            throw new Rsvd.MalformedException("SCSI request with a " + cdbLength + "-byte CDB, " + dataOut
                    + " bytes out and " + request.remaining() + " bytes left");
        }
        byte[] cdb = new byte[cdbLength];
        request.get(cdb);
        ScsiResult result = context.lun.target().execute(context.initiator, cdb, dataOut == 0 ? null : request.slice());
        return Rsvd.tunnelReply(requestId, result);
    }

    private ByteBuffer createLun(ByteBuffer request, long requestId)
            throws Rsvd.MalformedException, Rsvd.FailureException, StorageException {
        String name = Rsvd.getName(request, "LUN name");
        long capacity = request.getLong();
        try {
            StoreSpec.requireValidName("LUN name", name);
            StoreSpec.requireValidGeometry("capacity", capacity, ScsiTarget.BLOCK_SIZE);
        } catch (IllegalArgumentException e) {
            throw new Rsvd.MalformedException(e.getMessage());
        }
        synchronized (luns) {
            if (luns.containsKey(name)) {
                throw new Rsvd.FailureException(Rsvd.LUN_EXISTS, "shared LUN " + name + " exists already");
            }
            try {
                local.create(new StoreSpec(STORE_PREFIX + name, capacity, ScsiTarget.BLOCK_SIZE, settings.host()))
                        .close();
            } catch (StoreExistsException e) {
                throw new Rsvd.FailureException(Rsvd.LUN_EXISTS, e.getMessage());
            }
            Properties description = new Properties();
            description.setProperty("capacity", Long.toString(capacity));
            save(descriptionFile(name), description, "vstack shared LUN " + name);
            luns.put(name, new Lun(name, capacity));
        }
        LOG.info("Shared LUN {} created ({} bytes)", name, capacity);
        return Rsvd.reply(Rsvd.CREATE_LUN, requestId, 0).flip();
    }

    private ByteBuffer deleteLun(ByteBuffer request, long requestId)
            throws Rsvd.MalformedException, Rsvd.FailureException, StorageException {
        String name = Rsvd.getName(request, "LUN name");
        synchronized (luns) {
            Lun lun = lun(name);
            contexts.values().removeIf(c -> c.lun == lun);
            lun.close();
            luns.remove(name);
            try {
                Files.deleteIfExists(descriptionFile(name));
                Files.deleteIfExists(stateFile(name));
            } catch (IOException e) {
                throw new StorageException("shared LUN " + name + ": " + e.getMessage(), e);
            }
            local.delete(STORE_PREFIX + name);
        }
        LOG.info("Shared LUN {} deleted", name);
        return Rsvd.reply(Rsvd.DELETE_LUN, requestId, 0).flip();
    }

    private ByteBuffer listLuns(long requestId) {
        Map<String, Long> sorted = new TreeMap<>();
        luns.values().forEach(lun -> sorted.put(lun.name, lun.capacity));
        int bytes = 4 + sorted.keySet().stream().mapToInt(name -> Rsvd.nameBytes(name) + 8).sum();
        ByteBuffer reply = Rsvd.reply(Rsvd.LIST_LUNS, requestId, bytes).putInt(sorted.size());
        sorted.forEach((name, capacity) -> {
            Rsvd.putName(reply, name);
            reply.putLong(capacity);
        });
        return reply.flip();
    }

    /** The reservation state with the hosts of the initiators, as properties text. */
    private ByteBuffer reservationState(ByteBuffer request, long requestId)
            throws Rsvd.MalformedException, Rsvd.FailureException, StorageException {
        Lun lun = lun(Rsvd.getName(request, "LUN name"));
        Properties state = lun.target().snapshot().toProperties();
        lun.initiatorHosts.forEach((initiator, host) -> state.setProperty("initiator." + initiator, host));
        StringWriter text = new StringWriter();
        try {
            state.store(text, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        return Rsvd.reply(Rsvd.RESERVATION_STATE, requestId, bytes.length).put(bytes).flip();
    }

    private Path descriptionFile(String name) {
        return settings.directory().resolve(name + ".lun");
    }

    private Path stateFile(String name) {
        return settings.directory().resolve(name + ".pr");
    }

    private static Properties load(Path file) throws StorageException {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new StorageException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return properties;
    }

    private static void save(Path file, Properties properties, String comment) throws StorageException {
        try {
            StoreFiles.writeAtomically(file, properties, comment);
        } catch (IOException e) {
            throw new StorageException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
