package io.vstack.disks.internal.replica;

import io.vstack.api.UserText;
import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskInfo;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.io.IoException;
import io.vstack.api.replication.RecoveryPoint;
import io.vstack.api.replication.ReplicaStatus;
import io.vstack.api.replication.ReplicationException;
import io.vstack.api.storage.BackendType;
import io.vstack.api.transport.FrameException;
import io.vstack.api.transport.ProtocolHandler;
import io.vstack.api.transport.TransportException;
import io.vstack.disks.internal.DiskAdmin;
import io.vstack.support.StoreFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovery site: answers protocol {@value Wire#PROTOCOL}. Per replicated disk it keeps a
 * recovery chain — an empty base disk {@code <disk>.base} and one differencing disk
 * {@code <disk>.rp<n>} per applied delta — and a state file {@code <disk>.properties} that lists
 * the recovery points. A delta is written into a new child of the newest point; it becomes a point
 * only when its commit arrives complete (every chunk, the right digest) and the state file naming
 * it is written (the commit point): a delta cut short is never a point, and its disk is removed
 * when the next delta begins or the site restarts. Past {@code keep} points the oldest is merged
 * into the base.
 * <p>Thread-safe: the transport's workers call {@link #handle} concurrently; chunks of one delta
 * are written concurrently, everything else of one disk is serialized on its {@link Replica}.
 */
public final class RecoverySite implements ProtocolHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RecoverySite.class);
    private static final byte CORRUPT = 1;

    private final DiskAdmin disks;
    private final Path directory;
    private final java.util.function.Supplier<Placement> placement;
    private final Map<String, Replica> replicas = new ConcurrentHashMap<>();

    /** Where the recovery disks are created: a backend type id and a host. */
    public record Placement(BackendType backend, String host) {
    }

    /** A recovery site over state directory {@code directory}; loads the replicas recorded there and drops partial deltas. */
    public RecoverySite(DiskAdmin disks, Path directory, java.util.function.Supplier<Placement> placement) throws IOException {
        this.disks = disks;
        this.directory = directory;
        this.placement = placement;
        Files.createDirectories(directory);
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".properties")).sorted().toList()) {
                Replica r = Replica.load(f);
                replicas.put(r.disk, r);
                dropPartial(r);
            }
        }
    }

    @Override
    public ByteBuffer handle(ByteBuffer request, String peer) throws TransportException {
        try {
            byte type = request.get();
            String disk = Wire.getString(request);
            return switch (type) {
                case Wire.HELLO -> hello(disk, request, peer);
                case Wire.BEGIN -> begin(replica(disk), request);
                case Wire.CHUNK -> chunk(replica(disk), request);
                case Wire.COMMIT -> commit(replica(disk), request);
                default -> throw new FrameException("replication request of unknown type " + type);
            };
        } catch (BufferUnderflowException e) {
            throw new FrameException("replication request cut short", e);
        }
    }

    private Replica replica(String disk) throws TransportException {
        Replica r = replicas.get(disk);
        if (r == null) {
            throw new TransportException("the recovery site holds no replica of disk " + UserText.quote(disk) + "; it starts with a hello");
        }
        return r;
    }

    private ByteBuffer hello(String disk, ByteBuffer in, String peer) throws TransportException {
        long capacity = in.getLong();
        int blockSize = in.getInt();
        int keep = in.getInt();
        synchronized (this) {
            Replica r = replicas.get(disk);
            if (r == null) {
                String base = disk + ".base";
                try {
                    disks.create(new DiskSpec(base, capacity, blockSize, placement.get().backend(), placement.get().host(),
                            Optional.empty()));
                } catch (DiskException | IllegalArgumentException e) {
                    throw new TransportException("the recovery site cannot create the base of disk " + disk + ": " + e.getMessage(), e);
                }
                r = new Replica(directory.resolve(disk + ".properties"), disk, base);
                r.keep = keep;
                r.peer = peer;
                try {
                    r.save();
                } catch (IOException e) {
                    throw new TransportException("the recovery site cannot record disk " + disk + ": " + e.getMessage(), e);
                }
                replicas.put(disk, r);
                LOG.info("Recovery site for disk {} from {}: base {}", disk, peer, base);
            }
            synchronized (r) {
                if (r.failedOver != null) {
                    throw new TransportException("disk " + disk + " was failed over to " + r.failedOver
                            + " at the recovery site; it takes no more deltas (disable it there first)");
                }
                DiskInfo base = disks.disk(r.base).map(d -> d.info()).orElse(null);
                if (base == null || base.capacity() != capacity || base.blockSize() != blockSize) {
                    throw new TransportException("the recovery chain of disk " + disk + " does not match it (base " + r.base
                            + (base == null ? " is missing)" : " has " + base.capacity() + " bytes in blocks of " + base.blockSize() + ")"));
                }
                r.keep = keep;
                r.peer = peer;
                return ByteBuffer.allocate(8).putLong(0, r.lastSequence());
            }
        }
    }

    private ByteBuffer begin(Replica r, ByteBuffer in) throws TransportException {
        long sequence = in.getLong();
        long sealedAt = in.getLong();
        int chunks = in.getInt();
        synchronized (r) {
            if (r.failedOver != null) {
                throw new TransportException("disk " + r.disk + " was failed over to " + r.failedOver + "; delta " + sequence + " refused");
            }
            if (sequence != r.lastSequence() + 1) {
                throw new TransportException("delta " + sequence + " of disk " + r.disk + " is out of order: the recovery site holds up to "
                        + r.lastSequence() + " and takes " + (r.lastSequence() + 1) + " next");
            }
            dropPartial(r);
            String name = r.disk + ".rp" + sequence;
            try {
                DiskInfo tip = disks.disk(r.tip()).orElseThrow(() -> new DiskException("recovery disk " + r.tip() + " is missing")).info();
                disks.create(new DiskSpec(name, tip.capacity(), tip.blockSize(), placement.get().backend(), placement.get().host(),
                        Optional.of(r.tip())));
                r.pending = new Pending(sequence, name, disks.disk(name).orElseThrow().open("replica"), Instant.ofEpochMilli(sealedAt),
                        chunks, tip.blockSize());
            } catch (DiskException | IoException | IllegalArgumentException e) {
                throw new TransportException("delta " + sequence + " of disk " + r.disk + " cannot begin: " + e.getMessage(), e);
            }
            return Wire.ok();
        }
    }

    private ByteBuffer chunk(Replica r, ByteBuffer in) throws TransportException {
        int end = in.limit() - 4;
        int crc = in.getInt(end);
        if (Wire.crc(in, end) != crc) { // before any field is believed
            synchronized (r) {
                r.refused++;
            }
            LOG.debug("disk {}: a chunk with a bad checksum, refused", r.disk);
            return ByteBuffer.allocate(1).put(0, CORRUPT);
        }
        long sequence = in.getLong();
        int index = in.getInt();
        int n = in.getInt();
        Pending p;
        synchronized (r) {
            p = r.pending;
            if (p == null || p.sequence != sequence) {
                throw new TransportException("chunk " + index + " of delta " + sequence + " of disk " + r.disk + " is out of order: "
                        + (p == null ? "no delta is open" : "delta " + p.sequence + " is open"));
            }
        }
        if (index < 0 || index >= p.crcs.length || n < 0 || in.position() + (long) n * (8 + p.blockSize) != end) {
            throw new FrameException("chunk " + index + " of delta " + sequence + " of disk " + r.disk + " is malformed");
        }
        int dataStart = in.position() + n * 8;
        try {
            for (int i = 0; i < n; ) {
                long block = in.getLong(in.position() + i * 8);
                int run = 1;
                while (i + run < n && in.getLong(in.position() + (i + run) * 8) == block + run) {
                    run++;
                }
                ByteBuffer data = in.duplicate().position(dataStart + i * p.blockSize).limit(dataStart + (i + run) * p.blockSize);
                p.handle.write(block * p.blockSize, data);
                i += run;
            }
        } catch (IoException e) {
            throw new TransportException("chunk " + index + " of delta " + sequence + " of disk " + r.disk + " cannot be written: "
                    + e.getMessage(), e);
        }
        synchronized (r) {
            p.crcs[index] = crc;
            p.seen[index] = true;
        }
        return Wire.ok();
    }

    private ByteBuffer commit(Replica r, ByteBuffer in) throws TransportException {
        long sequence = in.getLong();
        int chunks = in.getInt();
        long blocks = in.getLong();
        long bytes = in.getLong();
        int digest = in.getInt();
        synchronized (r) {
            Pending p = r.pending;
            if (p == null || p.sequence != sequence) {
                throw new TransportException("commit of delta " + sequence + " of disk " + r.disk + " is out of order");
            }
            for (int i = 0; i < p.seen.length; i++) {
                if (!p.seen[i]) {
                    throw new TransportException("delta " + sequence + " of disk " + r.disk + " is incomplete: chunk " + i + " of "
                            + p.seen.length + " is missing; it is not a recovery point");
                }
            }
            if (chunks != p.crcs.length || Wire.digest(p.crcs) != digest) {
                throw new TransportException("delta " + sequence + " of disk " + r.disk + " is corrupt: its digest does not match"
                        + " the chunks received; it is not a recovery point");
            }
            try {
                p.handle.flush();
                p.handle.close();
                r.points.add(new RecoveryPoint(sequence, p.disk, p.sealedAt, blocks, bytes));
                r.pending = null;
                r.save(); // the commit point
            } catch (IOException e) {
                r.points.removeIf(x -> x.sequence() == sequence);
                throw new TransportException("delta " + sequence + " of disk " + r.disk + " cannot be made a recovery point: "
                        + e.getMessage(), e);
            }
            r.bytesApplied += bytes;
            LOG.debug("disk {}: recovery point {} ({} block(s))", r.disk, sequence, blocks);
            retain(r);
            return Wire.ok();
        }
    }

    /** Merges the oldest points into the base while there are more than {@code keep}. Caller holds {@code r}. */
    private void retain(Replica r) {
        while (r.points.size() > r.keep) {
            RecoveryPoint oldest = r.points.get(0);
            try {
                disks.collapse(oldest.disk());
            } catch (DiskException e) {
                LOG.info("disk {}: recovery point {} is kept beyond keep={}: {}", r.disk, oldest.sequence(), r.keep, e.getMessage());
                return;
            }
            r.points.remove(0);
            r.merged = oldest.sequence();
            try {
                r.save();
            } catch (IOException e) {
                LOG.warn("disk {}: cannot record that point {} was merged into the base: {}", r.disk, oldest.sequence(), e.getMessage(), e);
            }
        }
    }

    /** Removes the disk of a delta that never committed. Caller holds {@code r}. */
    private void dropPartial(Replica r) {
        if (r.pending != null) {
            r.pending.handle.close();
            r.pending = null;
        }
        String name = r.disk + ".rp" + (r.lastSequence() + 1);
        if (disks.disk(name).isPresent()) {
            try {
                disks.delete(name, true);
                LOG.info("disk {}: removed {}, a delta that never completed", r.disk, name);
            } catch (DiskException e) {
                LOG.warn("disk {}: cannot remove the partial delta {}: {}", r.disk, name, e.getMessage(), e);
            }
        }
    }

    // ---- what the service asks --------------------------------------------------------------------

    /** The statuses of the replicas held here. */
    List<ReplicaStatus> status() {
        List<ReplicaStatus> out = new ArrayList<>();
        for (Replica r : replicas.values()) {
            synchronized (r) {
                Optional<Instant> last = r.points.isEmpty() ? Optional.empty() : Optional.of(r.points.get(r.points.size() - 1).sealedAt());
                out.add(new ReplicaStatus(r.disk, ReplicaStatus.Role.RECOVERY, r.peer == null ? "-" : r.peer, Duration.ZERO, r.keep,
                        r.failedOver != null ? "failed over to " + r.failedOver
                                : r.pending != null ? "applying delta " + r.pending.sequence : "ready",
                        r.lastSequence(), last, 0, r.bytesApplied, r.refused));
            }
        }
        return out;
    }

    /** Whether a replica of {@code disk} is held here. */
    boolean holds(String disk) {
        return replicas.containsKey(disk);
    }

    List<RecoveryPoint> points(String disk) throws ReplicationException {
        Replica r = held(disk);
        synchronized (r) {
            return List.copyOf(r.points);
        }
    }

    private Replica held(String disk) throws ReplicationException {
        Replica r = replicas.get(disk);
        if (r == null) {
            throw new ReplicationException("this site holds no recovery points of disk " + UserText.quote(disk)
                    + "; replica:status lists the replicas here");
        }
        return r;
    }

    String testFailover(String disk, long sequence, String name) throws ReplicationException {
        Replica r = held(disk);
        synchronized (r) {
            RecoveryPoint point = r.points.stream().filter(p -> p.sequence() == sequence).findFirst()
                    .orElseThrow(() -> new ReplicationException("disk " + disk + " has no recovery point " + sequence
                            + (r.points.isEmpty() ? "" : "; it has " + r.points.get(0).sequence() + " to " + r.lastSequence())
                            + " (replica:points " + disk + ")"));
            return child(point.disk(), name);
        }
    }

    String failover(String disk) throws ReplicationException {
        Replica r = held(disk);
        synchronized (r) {
            if (r.failedOver != null) {
                throw new ReplicationException("disk " + disk + " was failed over already, to " + r.failedOver);
            }
            if (r.points.isEmpty()) {
                throw new ReplicationException("disk " + disk + " has no recovery point yet: nothing to fail over to");
            }
            dropPartial(r);
            String to = child(r.tip(), disk);
            r.failedOver = to;
            try {
                r.save();
            } catch (IOException e) {
                throw new ReplicationException("disk " + disk + " is failed over to " + to + " but that cannot be recorded: "
                        + e.getMessage(), e);
            }
            LOG.info("Failover of disk {}: point {} is now the writable disk {}", disk, r.lastSequence(), to);
            return to;
        }
    }

    private String child(String parent, String name) throws ReplicationException {
        try {
            DiskInfo p = disks.disk(parent).orElseThrow(() -> new DiskException("recovery disk " + parent + " is missing")).info();
            disks.create(new DiskSpec(name, p.capacity(), p.blockSize(), placement.get().backend(), placement.get().host(),
                    Optional.of(parent)));
            return name;
        } catch (DiskException | IllegalArgumentException e) {
            throw new ReplicationException("cannot create disk " + UserText.quote(name) + " over " + parent + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the recovery chain of {@code disk} (a failed-over disk stays, with the points it reads through). */
    void disable(String disk) throws ReplicationException {
        Replica r = held(disk);
        synchronized (r) {
            if (r.failedOver != null) {
                replicas.remove(disk);
                deleteState(r);
                return;
            }
            dropPartial(r);
            List<String> chain = new ArrayList<>();
            for (int i = r.points.size() - 1; i >= 0; i--) {
                chain.add(r.points.get(i).disk());
            }
            chain.add(r.base);
            for (String d : chain) {
                try {
                    disks.delete(d, true);
                } catch (DiskException e) {
                    throw new ReplicationException("cannot remove the recovery chain of disk " + disk + ": " + e.getMessage(), e);
                }
                r.points.removeIf(p -> p.disk().equals(d));
            }
            replicas.remove(disk);
            deleteState(r);
        }
    }

    private static void deleteState(Replica r) throws ReplicationException {
        try {
            StoreFiles.deleteDurably(r.file);
        } catch (IOException e) {
            throw new ReplicationException("cannot remove the state file of the replica of disk " + r.disk + ": " + e.getMessage(), e);
        }
    }

    /** A delta being written. */
    private static final class Pending {
        final long sequence;
        final String disk;
        final DiskHandle handle;
        final Instant sealedAt;
        final int[] crcs;
        final boolean[] seen;
        final int blockSize;

        Pending(long sequence, String disk, DiskHandle handle, Instant sealedAt, int chunks, int blockSize) {
            this.sequence = sequence;
            this.disk = disk;
            this.handle = handle;
            this.sealedAt = sealedAt;
            this.crcs = new int[chunks];
            this.seen = new boolean[chunks];
            this.blockSize = blockSize;
        }
    }

    /** One replicated disk held here, and its state file. */
    private static final class Replica {
        final Path file;
        final String disk;
        final String base;
        final List<RecoveryPoint> points = new ArrayList<>();
        int keep = 1;
        String peer;
        String failedOver;
        /** The last sequence merged into the base (0: none). */
        long merged;
        Pending pending;
        long bytesApplied;
        /** Chunks refused for a bad checksum (each was sent again). */
        long refused;

        Replica(Path file, String disk, String base) {
            this.file = file;
            this.disk = disk;
            this.base = base;
        }

        long lastSequence() {
            return points.isEmpty() ? merged : points.get(points.size() - 1).sequence();
        }

        String tip() {
            return points.isEmpty() ? base : points.get(points.size() - 1).disk();
        }

        void save() throws IOException {
            Properties p = new Properties();
            p.setProperty("format.version", "1");
            p.setProperty("disk", disk);
            p.setProperty("base", base);
            p.setProperty("keep", Integer.toString(keep));
            p.setProperty("merged", Long.toString(merged));
            if (failedOver != null) {
                p.setProperty("failedOver", failedOver);
            }
            p.setProperty("points", Integer.toString(points.size()));
            for (int i = 0; i < points.size(); i++) {
                RecoveryPoint rp = points.get(i);
                p.setProperty("point." + i, rp.sequence() + " " + rp.disk() + " " + rp.sealedAt().toEpochMilli() + " " + rp.blocks()
                        + " " + rp.bytes());
            }
            StoreFiles.writeAtomically(file, p, " vstack replication: the recovery points of disk " + disk);
        }

        static Replica load(Path file) throws IOException {
            Properties p = StoreFiles.readProperties(file);
            try {
                Replica r = new Replica(file, p.getProperty("disk"), p.getProperty("base"));
                r.keep = Integer.parseInt(p.getProperty("keep"));
                r.merged = Long.parseLong(p.getProperty("merged", "0"));
                r.failedOver = p.getProperty("failedOver");
                int n = Integer.parseInt(p.getProperty("points"));
                for (int i = 0; i < n; i++) {
                    String[] f = p.getProperty("point." + i).split(" ");
                    r.points.add(new RecoveryPoint(Long.parseLong(f[0]), f[1], Instant.ofEpochMilli(Long.parseLong(f[2])),
                            Long.parseLong(f[3]), Long.parseLong(f[4])));
                }
                if (r.disk == null || r.base == null) {
                    throw new IOException("no disk= or base= line");
                }
                return r;
            } catch (RuntimeException e) {
                throw new IOException("replica state file " + file + " is malformed: " + e.getMessage(), e);
            }
        }
    }
}
