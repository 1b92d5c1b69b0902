package io.vstack.memory.internal.handle;

import io.vstack.api.disk.DiskManager;
import io.vstack.api.memory.Grant;
import io.vstack.api.memory.GrantStatus;
import io.vstack.api.memory.HandleBroker;
import io.vstack.api.memory.HandleInfo;
import io.vstack.api.memory.MemoryException;
import io.vstack.api.memory.MemoryHandle;
import io.vstack.api.memory.MemoryRegion;
import io.vstack.api.memory.Restrictions;
import io.vstack.support.ConfigGuard;
import io.vstack.support.KarafData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link HandleBroker} service, and the socket other processes reach it by: a {@link Broker}
 * over the configured directories and a {@link RingServer} on {@code memory.sock} in the region
 * directory, which serves disk I/O from clients' handles through the {@link DiskManager} when
 * there is one. The socket is bound on the component's own thread, after activation.
 */
@Component(service = HandleBroker.class, immediate = true, configurationPid = MemorySharingComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = MemorySharingComponent.Config.class)
public final class MemorySharingComponent implements HandleBroker {

    static final String PID = "io.vstack.memory.sharing";
    static final String SOCKET = "memory.sock";

    /** The memory sharing configuration; every change applies when the component restarts (it does so by itself). */
    @ObjectClassDefinition(id = PID, name = "vstack memory sharing",
            description = "Memory handles between processes: the handle broker and its socket")
    public @interface Config {
        @AttributeDefinition(description = "Directory of the broker's key (broker.key) and audit log (audit.log), "
                + "made mode 0700; empty means ${karaf.data}/vstack/memory")
        String directory() default "";

        @AttributeDefinition(description = "Absolute directory of region files, ring files and the socket "
                + "memory.sock, made mode 0700; empty means /dev/shm/vstack-memory-<hash of directory> "
                + "(or <directory>/regions without /dev/shm)")
        String regionDirectory() default "";

        @AttributeDefinition(description = "Bytes per section of a mapped handle (each section is mapped "
                + "when a request first touches it): a multiple of 4096 from 2M to 1G")
        String sectionSize() default "1G";

        @AttributeDefinition(description = "Client processes served at once: 1 to 256")
        String maxClients() default "16";
    }

    private static final Logger LOG = LoggerFactory.getLogger(MemorySharingComponent.class);

    private final Broker broker;
    private final RingServer server;
    private final ExecutorService starter;
    private volatile DiskManager disks;

    /** Opens the broker from the configuration (its defaults if that is refused) and starts the socket. */
    @Activate
    public MemorySharingComponent(Config config, BundleContext context) {
        this(ConfigGuard.start(config, ConfigGuard.defaults(Config.class),
                c -> SharingSettings.parse(c, KarafData.of(context))).current());
    }

    MemorySharingComponent(SharingSettings settings) {
        try {
            broker = new Broker(settings.directory(), settings.regionDirectory(), settings.sectionSize(),
                    Clock.systemUTC(), new CopyMeter());
        } catch (IOException e) {
            throw new UncheckedIOException("memory broker cannot use " + settings.directory() + " and "
                    + settings.regionDirectory() + ": " + e.getMessage(), e);
        }
        server = new RingServer(broker, settings.regionDirectory().resolve(SOCKET), () -> disks, settings.maxClients());
        starter = Executors.newSingleThreadExecutor(r -> new Thread(r, "vstack-mem-start"));
        CompletableFuture.runAsync(() -> {
            try {
                server.start();
            } catch (IOException e) {
                LOG.error("Memory handle server cannot listen on {}: {}", server.socket(), e.getMessage());
            }
        }, starter);
        LOG.info("Memory broker ready: state in {}, regions in {}, sections of {} bytes", settings.directory(),
                settings.regionDirectory(), settings.sectionSize());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setDisks(DiskManager manager) {
        disks = manager;
    }

    void unsetDisks(DiskManager manager) {
        if (disks == manager) {
            disks = null;
        }
    }

    @Deactivate
    void deactivate() {
        starter.shutdownNow();
        server.close();
        broker.close();
    }

    /** The socket client processes connect to. */
    public Path socket() {
        return server.socket();
    }

    @Override
    public MemoryRegion createRegion(String owner, long size) throws MemoryException {
        return broker.createRegion(owner, size);
    }

    @Override
    public void deleteRegion(String regionId) throws MemoryException {
        broker.deleteRegion(regionId);
    }

    @Override
    public Grant grant(String regionId, String owner, String grantee, long offset, long length,
                       Restrictions restrictions) throws MemoryException {
        return broker.grant(regionId, owner, grantee, offset, length, restrictions);
    }

    @Override
    public Grant regrant(String token, String grantee, long offset, long length, Restrictions restrictions)
            throws MemoryException {
        return broker.regrant(token, grantee, offset, length, restrictions);
    }

    @Override
    public MemoryHandle map(String token) throws MemoryException {
        return broker.map(token);
    }

    @Override
    public void revoke(String grantId, boolean hard) throws MemoryException {
        broker.revoke(grantId, hard);
    }

    @Override
    public List<MemoryRegion> regions() {
        return broker.regions();
    }

    @Override
    public List<GrantStatus> grants() {
        return broker.grants();
    }

    @Override
    public List<HandleInfo> handles() {
        return broker.handles();
    }

    @Override
    public long bytesCopied() {
        return broker.bytesCopied();
    }
}
