package io.vstack.disks.internal;

import io.vstack.api.Durations;
import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskOwners;
import io.vstack.api.disk.OwnerRecord;
import io.vstack.api.transport.ProtocolHandler;
import io.vstack.api.transport.Transport;
import io.vstack.api.transport.TransportException;
import io.vstack.support.ConfigGuard;
import io.vstack.support.ConfigKeys;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OSGi face of {@link DiskOwnerService}: the {@link DiskOwners} service, the transport
 * protocol {@value DiskOwnerService#PROTOCOL} (a {@link ProtocolHandler} by whiteboard) answered
 * for every host of this process, and the lease thread {@code vstack-disks-lease}, which renews
 * the leases of the disks those hosts own every third of {@code ownerLease} (config
 * {@code io.vstack.disks}).
 */
@Component(service = {DiskOwners.class, ProtocolHandler.class}, immediate = true, configurationPid = DisksComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = ProtocolHandler.PROTOCOL_PROPERTY + "=" + DiskOwnerService.PROTOCOL)
public final class DiskOwnersComponent implements DiskOwners, ProtocolHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DiskOwnersComponent.class);

    private final DiskOwnerService owners;
    private final ScheduledExecutorService leases;

    /** Starts renewing leases (the first renewal runs on the lease thread at once). */
    @Activate
    public DiskOwnersComponent(@Reference DiskAdmin admin, @Reference Transport transport, DisksComponent.Config config) {
        DiskService disks = (DiskService) admin;
        Duration lease = ConfigGuard.start(config, ConfigGuard.defaults(DisksComponent.Config.class),
                DiskOwnersComponent::lease).current();
        this.owners = new DiskOwnerService(disks, transport, lease, host -> disks.hostNames().contains(host), Clock.systemUTC());
        this.leases = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vstack-disks-lease");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, lease.toMillis() / 3);
        leases.scheduleWithFixedDelay(this::renew, 0, period, TimeUnit.MILLISECONDS);
        LOG.info("Disk ownership ready (ownerLease {})", Durations.format(lease));
    }

    /**
     * Parses {@code ownerLease}.
     *
     * @throws IllegalArgumentException {@code "io.vstack.disks: key 'ownerLease': ..."}
     */
    static Duration lease(DisksComponent.Config config) {
        Duration lease = ConfigKeys.duration(DisksComponent.PID, "ownerLease", config.ownerLease());
        if (lease.toMillis() < 100) {
            throw new IllegalArgumentException(DisksComponent.PID + ": key 'ownerLease': must be at least 100ms");
        }
        return lease;
    }

    private void renew() {
        try {
            owners.renewLeases();
        } catch (RuntimeException e) {
            LOG.warn("Lease renewal failed: {}", e.toString(), e);
        }
    }

    @Override
    public OwnerRecord owner(String diskId) throws DiskException {
        return owners.owner(diskId);
    }

    @Override
    public OwnerRecord acquire(String diskId, String host, Duration timeout) throws DiskException {
        return owners.acquire(diskId, host, timeout);
    }

    @Override
    public OwnerRecord release(String diskId) throws DiskException {
        return owners.release(diskId);
    }

    @Override
    public ByteBuffer handle(ByteBuffer request, String peer) throws TransportException {
        return owners.handle(request, peer);
    }

    @Deactivate
    void deactivate() {
        leases.shutdownNow();
    }
}
