package io.vstack.disks.internal.replica;

import io.vstack.api.UserText;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.io.IoException;
import io.vstack.api.metrics.Metric;
import io.vstack.api.replication.RecoveryPoint;
import io.vstack.api.replication.ReplicaStatus;
import io.vstack.api.replication.ReplicationException;
import io.vstack.api.replication.ReplicationService;
import io.vstack.api.transport.Endpoint;
import io.vstack.api.transport.Transport;
import io.vstack.api.transport.TransportException;
import io.vstack.api.transport.ProtocolHandler;
import io.vstack.disks.internal.DiskAdmin;
import io.vstack.disks.internal.DiskService;
import io.vstack.support.StoreFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication service as a plain object: the primaries of this process, each cycling on the
 * shipping threads {@code vstack-replica-<n>} (a bounded pool), and the {@link RecoverySite} for
 * disks replicated here. A primary seals at a fixed rate, every {@code rpo} from the previous
 * seal; a shipment that takes longer makes the next seal follow at once.
 */
public final class Replication implements ReplicationService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Replication.class);

    private final DiskAdmin disks;
    private final Transport transport;
    private final RecoverySite site;
    private final ReplicaFilterFactory filters;
    private final ScheduledExecutorService shipping;
    private final Map<String, Running> primaries = new ConcurrentHashMap<>();
    /** Where each primary's settings are kept ({@code <disk>.properties}), so that it resumes after a restart. */
    private final Path settings;

    private static final class Running {
        final Primary primary;
        volatile ScheduledFuture<?> next;
        volatile boolean stopped;

        Running(Primary primary) {
            this.primary = primary;
        }
    }

    /** A service over {@code disks} shipping through {@code transport} with {@code threads} shipping threads. */
    public Replication(DiskAdmin disks, Transport transport, RecoverySite site, ReplicaFilterFactory filters, int threads,
                       Path settings) {
        this.disks = disks;
        this.settings = settings;
        this.transport = transport;
        this.site = site;
        this.filters = filters;
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, r -> {
            Thread t = new Thread(r, "vstack-replica-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.shipping = pool;
    }

    /**
     * A replication wired without OSGi (tests, benchmarks): its filter factory added to
     * {@code disks}, its recovery site (state in {@code directory}, primaries' settings in
     * {@code directory/primary}) served through {@code serve}, two shipping threads.
     */
    public static Replication standalone(DiskService disks, Transport transport, BiConsumer<String, ProtocolHandler> serve,
                                         Path directory, RecoverySite.Placement placement) throws IOException {
        RecoverySite site = new RecoverySite(disks, directory, () -> placement);
        Replication replication = new Replication(disks, transport, site, new ReplicaFilterFactory(), 2, directory.resolve("primary"));
        disks.factoryAdded(replication.filters());
        serve.accept(Wire.PROTOCOL, site);
        return replication;
    }

    /** The write-tracking filter factory (registered with the disk manager). */
    public ReplicaFilterFactory filters() {
        return filters;
    }

    /** The recovery site (registered with the transport). */
    public RecoverySite site() {
        return site;
    }

    @Override
    public ReplicaStatus enable(String diskId, Endpoint target, Duration rpo, int keep) throws ReplicationException {
        if (rpo.compareTo(MIN_RPO) < 0) {
            throw new IllegalArgumentException("rpo " + rpo.toMillis() + " ms is below the minimum of 1 s");
        }
        if (keep < 1) {
            throw new IllegalArgumentException("keep " + keep + " must be 1 or more");
        }
        Primary primary = start(diskId, target, rpo, keep);
        Running running = new Running(primary);
        if (primaries.putIfAbsent(diskId, running) != null) {
            throw new ReplicationException("disk " + diskId + " is replicated already; replica:disable it first");
        }
        try {
            Properties p = new Properties();
            p.setProperty("target", target.toString());
            p.setProperty("rpo.millis", Long.toString(rpo.toMillis()));
            p.setProperty("keep", Integer.toString(keep));
            StoreFiles.writeAtomically(settingsFile(diskId), p, " vstack replication: disk " + diskId + " replicates to " + target);
        } catch (IOException e) {
            primaries.remove(diskId);
            primary.close();
            throw new ReplicationException("disk " + diskId + ": cannot record its replication settings: " + e.getMessage(), e);
        }
        running.next = shipping.schedule(() -> run(running), 0, TimeUnit.MILLISECONDS);
        LOG.info("Replicating disk {} to {} every {} ms, keeping {} point(s)", diskId, target, rpo.toMillis(), keep);
        return primary.status();
    }

    /** Checks the disk and the target, attaches the tracking filter; does not schedule. */
    Primary start(String diskId, Endpoint target, Duration rpo, int keep) throws ReplicationException {
        VirtualDisk disk = disks.disk(diskId).orElseThrow(() -> new ReplicationException("no disk named " + UserText.quote(diskId)
                + "; disk:list shows the disks"));
        if (primaries.containsKey(diskId)) {
            throw new ReplicationException("disk " + diskId + " is replicated already; replica:disable it first");
        }
        boolean attached = disk.info().filters().stream().anyMatch(f -> f.descriptor().name().equals(ReplicaFilterFactory.NAME));
        if (!attached) {
            try {
                disks.attach(diskId, ReplicaFilterFactory.NAME, Map.of());
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new ReplicationException("disk " + diskId + " cannot be tracked: " + e.getMessage(), e);
            }
        }
        DirtyTracker tracker = filters.tracker(diskId);
        if (tracker == null) {
            throw new ReplicationException("disk " + diskId + ": the replica filter is not running on it");
        }
        Primary primary = new Primary(diskId, target, rpo, keep, transport, tracker, disk);
        try {
            primary.connect();
        } catch (TransportException e) {
            primary.close();
            if (!attached) {
                disks.detach(diskId, ReplicaFilterFactory.NAME);
            }
            throw new ReplicationException("target " + target + " for disk " + diskId + " is unreachable: " + e.getMessage(), e);
        }
        return primary;
    }

    private Path settingsFile(String diskId) {
        return settings.resolve(diskId + ".properties");
    }

    /**
     * Resumes the primaries recorded in the settings directory (after a restart): each starts once
     * its disk's {@code replica} filter runs again, and its first delta is the whole disk (what was
     * shipped before is not known). An unreachable target is retried every RPO.
     */
    public void resume() throws IOException {
        Files.createDirectories(settings);
        try (Stream<Path> files = Files.list(settings)) {
            for (Path f : files.filter(x -> x.getFileName().toString().endsWith(".properties")).sorted().toList()) {
                String name = f.getFileName().toString();
                String diskId = name.substring(0, name.length() - ".properties".length());
                try {
                    Properties p = StoreFiles.readProperties(f);
                    Endpoint target = Endpoint.parse(p.getProperty("target"));
                    Duration rpo = Duration.ofMillis(Long.parseLong(p.getProperty("rpo.millis")));
                    int keep = Integer.parseInt(p.getProperty("keep"));
                    shipping.execute(() -> resume(diskId, target, rpo, keep, 0));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("replication of disk {} not resumed: {} is unreadable: {}", diskId, f, e.getMessage(), e);
                }
            }
        }
    }

    private void resume(String diskId, Endpoint target, Duration rpo, int keep, int attempt) {
        Optional<VirtualDisk> disk = disks.disk(diskId);
        if (disk.isEmpty()) {
            LOG.warn("replication of disk {} not resumed: the disk is gone", diskId);
            return;
        }
        DirtyTracker tracker = filters.tracker(diskId);
        if (tracker == null) {
            try {
                disk.get().open("replica").close(); // instantiates the chain, and so the filter, if its factory is bound
            } catch (IoException e) {
                LOG.debug("disk {} cannot be opened yet", diskId, e);
            }
            tracker = filters.tracker(diskId);
        }
        if (tracker == null) {
            if (attempt < 60) {
                shipping.schedule(() -> resume(diskId, target, rpo, keep, attempt + 1), 1, TimeUnit.SECONDS);
            } else {
                LOG.warn("replication of disk {} not resumed: its replica filter did not come up in 60 s", diskId);
            }
            return;
        }
        Running running = new Running(new Primary(diskId, target, rpo, keep, transport, tracker, disk.get()));
        if (primaries.putIfAbsent(diskId, running) == null) {
            LOG.info("Replication of disk {} to {} resumed; its next delta is the whole disk", diskId, target);
            running.next = shipping.schedule(() -> run(running), 0, TimeUnit.MILLISECONDS);
        }
    }

    private void run(Running running) {
        if (running.stopped) {
            return;
        }
        long started = System.nanoTime();
        running.primary.cycle();
        if (!running.stopped) {
            long delay = Math.max(0, running.primary.rpo.toNanos() - (System.nanoTime() - started));
            running.next = shipping.schedule(() -> run(running), delay, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public List<ReplicaStatus> status() {
        List<ReplicaStatus> out = new ArrayList<>(site.status());
        primaries.values().forEach(r -> out.add(r.primary.status()));
        out.sort(Comparator.comparing(ReplicaStatus::disk).thenComparing(ReplicaStatus::role));
        return out;
    }

    /**
     * The figures of each replication, labelled {@code disk} and {@code role}: the last point's
     * sequence and age, dirty blocks, bytes shipped or applied, chunks resent.
     */
    public List<Metric> metrics() {
        List<Metric> out = new ArrayList<>();
        Instant now = Instant.now();
        for (ReplicaStatus s : status()) {
            Map<String, String> labels = Map.of("disk", s.disk(), "role", s.role().name().toLowerCase(Locale.ROOT));
            out.add(Metric.gauge("last_point", "sequence", s.lastSequence(), labels));
            s.lastPointAt().ifPresent(t -> out.add(Metric.gauge("point_age", "seconds", Duration.between(t, now).toMillis() / 1e3,
                    labels)));
            out.add(Metric.gauge("dirty_blocks", "blocks", s.dirtyBlocks(), labels));
            out.add(Metric.counter("bytes", "bytes", s.bytesShipped(), labels));
            out.add(Metric.counter("resends", "chunks", s.resends(), labels));
        }
        return out;
    }

    @Override
    public List<RecoveryPoint> points(String diskId) throws ReplicationException {
        return site.points(diskId);
    }

    @Override
    public String testFailover(String diskId, long sequence, String name) throws ReplicationException {
        return site.testFailover(diskId, sequence, name);
    }

    @Override
    public String failover(String diskId) throws ReplicationException {
        return site.failover(diskId);
    }

    @Override
    public void disable(String diskId) throws ReplicationException {
        Running running = primaries.remove(diskId);
        if (running == null) {
            site.disable(diskId);
            return;
        }
        stop(running);
        try {
            StoreFiles.deleteDurably(settingsFile(diskId));
        } catch (IOException e) {
            throw new ReplicationException("replication of disk " + diskId + " is stopped, but its settings file cannot be removed"
                    + " (it would resume after a restart): " + e.getMessage(), e);
        }
        try {
            disks.detach(diskId, ReplicaFilterFactory.NAME);
        } catch (IllegalArgumentException e) {
            LOG.debug("disk {}: the replica filter was detached already", diskId, e);
        }
        filters.forget(diskId);
        LOG.info("Replication of disk {} stopped", diskId);
    }

    /**
     * Disk {@code diskId} was deleted: its replication (if this process is its primary) ends and
     * is not resumed; the recovery site keeps its points. Does not call the disk manager.
     */
    public void deleted(String diskId) {
        Running running = primaries.remove(diskId);
        filters.forget(diskId);
        if (running == null) {
            return;
        }
        stop(running);
        try {
            StoreFiles.deleteDurably(settingsFile(diskId));
        } catch (IOException e) {
            LOG.warn("disk {} was deleted, but its replication settings {} cannot be removed: {}", diskId, settingsFile(diskId),
                    e.getMessage(), e);
        }
        LOG.info("Disk {} was deleted: its replication to {} ended", diskId, running.primary.target);
    }

    private static void stop(Running running) {
        running.stopped = true;
        ScheduledFuture<?> next = running.next;
        if (next != null) {
            next.cancel(false);
        }
        running.primary.close();
    }

    /** The primary of {@code diskId}, for tests. */
    Primary primary(String diskId) {
        Running r = primaries.get(diskId);
        return r == null ? null : r.primary;
    }

    /** Stops every primary and the shipping threads (their trackers stay attached). */
    @Override
    public void close() {
        primaries.values().forEach(Replication::stop);
        primaries.clear();
        shipping.shutdown();
        try {
            if (!shipping.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("replication shipping threads did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
