package io.vstack.storage.shared.internal;

import io.vstack.api.UserText;
import io.vstack.api.storage.BackendStatus;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreExistsException;
import io.vstack.api.storage.StoreNotFoundException;
import io.vstack.api.storage.StoreSpec;
import io.vstack.api.transport.Endpoint;
import io.vstack.api.transport.Transport;
import io.vstack.support.ConfigGuard;
import io.vstack.support.ConfigKeys;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The SHARED storage backend: each store is a view of a LUN on a shared-disk server (by
 * default the one in this process), reached over the vstack transport with the {@link Rsvd}
 * protocol, with the opening host as the SCSI initiator. A store named {@code <lun>} creates
 * and deletes the LUN; a store named {@code <lun>--<view>} is another host's view of the same
 * LUN: creating it opens the existing LUN (its bytes are shared, not zeroed) and deleting it
 * leaves the LUN. That is how VMs on several hosts use one disk; the LUN's SCSI persistent
 * reservations decide which of them may read and write.
 */
@Component(service = {StorageBackend.class, SharedDiskBackend.class}, configurationPid = SharedDiskBackend.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = StorageBackend.TYPE_PROPERTY + "=shared")
@Designate(ocd = SharedDiskBackend.Config.class)
public final class SharedDiskBackend implements StorageBackend {

    static final String PID = "io.vstack.storage.shared";
    static final String NAME = "shared";
    static final String VIEW_SEPARATOR = "--";

    /** The backend's configuration. */
    @ObjectClassDefinition(id = PID, name = "vstack shared storage backend",
            description = "Views of LUNs on a shared disk server, reached over the vstack transport")
    public @interface Config {
        @AttributeDefinition(description = "The disk server's transport endpoint (host:port); empty means this "
                + "process's own endpoint")
        String server() default "";

        @AttributeDefinition(description = "How long one request to the server may take (e.g. 10s)")
        String timeout() default "10s";
    }

    /**
     * The backend's settings.
     *
     * @param server  the disk server's endpoint, or null for this process's own
     * @param timeout how long one request may take
     */
    record Settings(Endpoint server, Duration timeout) {
        static Settings parse(Config config) {
            String server = config.server() == null ? "" : config.server().trim();
            return new Settings(server.isEmpty() ? null : ConfigKeys.parse(PID, "server", () -> Endpoint.parse(server)),
                    ConfigKeys.duration(PID, "timeout", config.timeout()));
        }
    }

    private final Transport transport;
    private final Settings settings;
    private final SharedDiskClient client;

    /** Creates the backend from its configuration. */
    @Activate
    public SharedDiskBackend(@Reference Transport transport, Config config) {
        this(transport, ConfigGuard.start(config, ConfigGuard.defaults(Config.class), Settings::parse).current());
    }

    /** Creates a backend whose server is at {@code server}, without Config Admin: for tests and benchmarks. */
    public SharedDiskBackend(Transport transport, Endpoint server, Duration timeout) {
        this(transport, new Settings(server, timeout));
    }

    SharedDiskBackend(Transport transport, Settings settings) {
        this.transport = transport;
        this.settings = settings;
        this.client = new SharedDiskClient(transport, this::server, settings.timeout());
    }

    private Endpoint server() {
        if (settings.server() != null) {
            return settings.server();
        }
        return transport.localEndpoint().orElseThrow(() -> new IllegalStateException(
                "this process's transport is not listening, so its shared disk server cannot be reached"));
    }

    @Deactivate
    void deactivate() {
        client.close();
    }

    @Override
    public BackendType type() {
        return BackendType.SHARED;
    }

    /** The LUN a store id names: the id itself, or its part before {@value #VIEW_SEPARATOR}. */
    static String lunOf(String storeId) {
        int separator = storeId.indexOf(VIEW_SEPARATOR);
        return separator > 0 ? storeId.substring(0, separator) : storeId;
    }

    @Override
    public BlockStore create(StoreSpec spec) throws StorageException {
        String lun = lunOf(spec.id());
        if (lun.equals(spec.id())) {
            try {
                client.createLun(lun, spec.capacity());
            } catch (SharedDiskException e) {
                if (e.status == Rsvd.LUN_EXISTS) {
                    throw new StoreExistsException(e.getMessage());
                }
                throw e;
            }
        } else {
            Long capacity = luns().get(lun);
            if (capacity == null) {
                throw new StoreNotFoundException(NAME + ": " + UserText.quote(spec.id()) + " is a view of LUN "
                        + UserText.quote(lun) + ", which does not exist: create the disk " + lun + " first");
            }
            if (capacity != spec.capacity()) {
                throw new StorageException(NAME + ": LUN " + lun + " has " + capacity + " bytes, not "
                        + spec.capacity());
            }
        }
        return open(spec.id(), spec.host());
    }

    @Override
    public BlockStore open(String storeId, String host) throws StorageException {
        try {
            return new SharedBlockStore(client, storeId, lunOf(storeId), host);
        } catch (SharedDiskException e) {
            if (e.status == Rsvd.NO_SUCH_LUN) {
                throw new StoreNotFoundException(e.getMessage(), e);
            }
            throw e;
        }
    }

    @Override
    public void delete(String storeId) throws StorageException {
        String lun = lunOf(storeId);
        if (lun.equals(storeId)) {
            client.deleteLun(lun);
        }
    }

    @Override
    public BackendStatus status() {
        try {
            Map<String, Long> luns = luns();
            long used = luns.values().stream().mapToLong(Long::longValue).sum();
            return new BackendStatus(NAME, BackendType.SHARED, used, used, BackendStatus.Health.HEALTHY,
                    luns.size() + " LUN(s) on " + server());
        } catch (StorageException | RuntimeException e) {
            return new BackendStatus(NAME, BackendType.SHARED, 0, 0, BackendStatus.Health.DOWN, e.getMessage());
        }
    }

    /** The server's LUNs and their capacities. */
    Map<String, Long> luns() throws StorageException {
        return client.luns();
    }

    /** The LUN's reservation state, with the hosts of its initiators. */
    Properties reservationState(String lun) throws StorageException {
        return client.reservationState(lun);
    }

    /**
     * Sends PERSISTENT RESERVE OUT on behalf of {@code host}'s initiator.
     *
     * @return the command's SCSI result
     */
    ScsiResult reserveOut(String lun, String host, int serviceAction, ReservationType type, long key,
            long serviceActionKey) throws StorageException {
        ByteBuffer cdb = ByteBuffer.allocate(10).put((byte) ScsiTarget.PERSISTENT_RESERVE_OUT)
                .put((byte) serviceAction).put((byte) (type == null ? 0 : type.code));
        cdb.putInt(5, 24);
        ByteBuffer parameters = ByteBuffer.allocate(24).putLong(key).putLong(serviceActionKey).clear();
        SharedDiskClient.Opened opened = client.open(lun, host);
        try {
            return client.execute(opened.context(), cdb.array(), parameters, 0, "reservation of " + lun);
        } finally {
            client.closeContext(opened.context());
        }
    }
}
