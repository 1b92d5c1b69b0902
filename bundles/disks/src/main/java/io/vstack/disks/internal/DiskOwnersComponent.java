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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
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
    private static final long STOP_WAIT_SECONDS = 5;

    private final ConfigGuard<DisksComponent.Config, Duration> lease;
    private final DiskOwnerService owners;
    private final ScheduledExecutorService leases;
    /** The periodic renewal; replaced when {@code ownerLease} changes. Guarded by this. */
    private ScheduledFuture<?> renewal;

    /** Starts renewing leases (the first renewal runs on the lease thread at once). */
    @Activate
    public DiskOwnersComponent(@Reference DiskAdmin admin, @Reference Transport transport, DisksComponent.Config config) {
        DiskService disks = (DiskService) admin;
        this.lease = ConfigGuard.start(config, ConfigGuard.defaults(DisksComponent.Config.class), DiskOwnersComponent::lease);
        this.owners = new DiskOwnerService(disks, transport, lease.current(), host -> disks.hostNames().contains(host),
                Clock.systemUTC());
        this.leases = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vstack-disks-lease");
            t.setDaemon(true);
            return t;
        });
        schedule(lease.current());
        LOG.info("Disk ownership ready (ownerLease {})", Durations.format(lease.current()));
    }

    /** Renews every third of {@code lease}, the first time at once. */
    private synchronized void schedule(Duration lease) {
        if (renewal != null) {
            renewal.cancel(false); // never interrupts a renewal writing its record
        }
        renewal = leases.scheduleWithFixedDelay(this::renew, 0, Math.max(1, lease.toMillis() / 3), TimeUnit.MILLISECONDS);
    }

    /**
     * Applies a changed {@code ownerLease} in place (the next renewal grants the new length); a
     * bad value is refused in one line. Other keys of the PID belong to {@link DisksComponent}.
     */
    @Modified
    void modified(DisksComponent.Config config) {
        this.lease.update(config, (previous, next) -> {
            owners.lease(next);
            schedule(next);
            LOG.info("Disk ownership: ownerLease {} -> {}", Durations.format(previous), Durations.format(next));
        });
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

    /**
     * Stops renewing. A renewal in progress finishes its record (it is not interrupted: an
     * interrupted write would close its file under it); the wait is bounded all the same.
     */
    @Deactivate
    void deactivate() throws InterruptedException {
        leases.shutdown();
        if (!leases.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
            LOG.warn("Disk ownership: a lease renewal still runs after {} s; interrupting it", STOP_WAIT_SECONDS);
            leases.shutdownNow();
        }
    }
}
