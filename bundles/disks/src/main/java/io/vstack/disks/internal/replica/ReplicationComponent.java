package io.vstack.disks.internal.replica;

import io.vstack.api.disk.DiskListener;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricSource;
import io.vstack.api.replication.RecoveryPoint;
import io.vstack.api.replication.ReplicaStatus;
import io.vstack.api.replication.ReplicationException;
import io.vstack.api.replication.ReplicationService;
import io.vstack.api.storage.BackendType;
import io.vstack.api.transport.Endpoint;
import io.vstack.api.transport.ProtocolHandler;
import io.vstack.api.transport.Transport;
import io.vstack.api.transport.TransportException;
import io.vstack.disks.internal.DiskAdmin;
import io.vstack.support.KarafData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replication to a recovery site as a component: the {@link ReplicationService}, the
 * {@value ReplicaFilterFactory#NAME} filter (whiteboard, found by the disk manager) and the
 * recovery site's protocol {@value Wire#PROTOCOL} (whiteboard, found by the transport) and the
 * metric source {@code replica} (each replication's figures, labelled by disk and role); as a
 * {@link DiskListener} it ends the replication of a deleted disk. Recovery
 * chains are created on the {@code local} backend (else the first backend present) and the first
 * host; their state lives in {@code ${karaf.data}/vstack/replica}.
 */
@Component(service = {ReplicationService.class, IoFilterFactory.class, ProtocolHandler.class, MetricSource.class,
        DiskListener.class}, immediate = true,
        property = {ProtocolHandler.PROTOCOL_PROPERTY + "=" + Wire.PROTOCOL, MetricSource.SOURCE_PROPERTY + "=replica"})
public final class ReplicationComponent implements ReplicationService, IoFilterFactory, ProtocolHandler, MetricSource,
        DiskListener {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationComponent.class);
    private static final int SHIPPING_THREADS = 2;

    private final Replication replication;

    /** Loads the recovery site's state and starts the shipping threads (idle until a disk is enabled). */
    @Activate
    public ReplicationComponent(@Reference DiskAdmin disks, @Reference Transport transport, BundleContext context) {
        Path directory = KarafData.of(context).resolve("vstack").resolve("replica");
        RecoverySite site;
        try {
            site = new RecoverySite(disks, directory, () -> placement(disks));
        } catch (IOException e) {
            throw new UncheckedIOException("replication: cannot load " + directory + ": " + e.getMessage(), e);
        }
        this.replication = new Replication(disks, transport, site, new ReplicaFilterFactory(), SHIPPING_THREADS,
                directory.resolve("primary"));
        try {
            replication.resume(); // schedules each on the shipping threads, which wait for the disk's filter
        } catch (IOException e) {
            LOG.warn("replication: the primaries recorded in {} are not resumed: {}", directory.resolve("primary"), e.getMessage(), e);
        }
        LOG.info("Replication ready (recovery state in {})", directory);
    }

    private static RecoverySite.Placement placement(DiskAdmin disks) {
        List<String> backends = disks.backendNames();
        String backend = backends.contains("local") ? "local" : backends.isEmpty() ? "local" : backends.get(0);
        List<String> hosts = disks.hostNames();
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("the recovery site has no host to own its disks; host:create one");
        }
        return new RecoverySite.Placement(new BackendType(backend), hosts.get(0));
    }

    @Deactivate
    void deactivate() {
        replication.close();
    }

    @Override
    public FilterDescriptor descriptor() {
        return replication.filters().descriptor();
    }

    @Override
    public IoFilter create(FilterContext context) {
        return replication.filters().create(context);
    }

    @Override
    public ByteBuffer handle(ByteBuffer request, String peer) throws TransportException {
        return replication.site().handle(request, peer);
    }

    @Override
    public void deleted(String diskId) {
        replication.deleted(diskId);
    }

    @Override
    public String source() {
        return "replica";
    }

    @Override
    public List<Metric> snapshot() {
        return replication.metrics();
    }

    @Override
    public ReplicaStatus enable(String diskId, Endpoint target, Duration rpo, int keep) throws ReplicationException {
        return replication.enable(diskId, target, rpo, keep);
    }

    @Override
    public List<ReplicaStatus> status() {
        return replication.status();
    }

    @Override
    public List<RecoveryPoint> points(String diskId) throws ReplicationException {
        return replication.points(diskId);
    }

    @Override
    public String testFailover(String diskId, long sequence, String name) throws ReplicationException {
        return replication.testFailover(diskId, sequence, name);
    }

    @Override
    public String failover(String diskId) throws ReplicationException {
        return replication.failover(diskId);
    }

    @Override
    public void disable(String diskId) throws ReplicationException {
        replication.disable(diskId);
    }
}
