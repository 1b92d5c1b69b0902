package io.vstack.disks.internal;

import io.vstack.api.Durations;
import io.vstack.api.UserText;
import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskOwners;
import io.vstack.api.disk.OwnerRecord;
import io.vstack.api.io.IoException;
import io.vstack.api.transport.Endpoint;
import io.vstack.api.transport.ProtocolHandler;
import io.vstack.api.transport.RemoteFailureException;
import io.vstack.api.transport.Transport;
import io.vstack.api.transport.TransportConnection;
import io.vstack.api.transport.TransportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collaborative release (US9575658) as a plain object: owner records ({@link OwnerRecords}),
 * the release protocol {@value #PROTOCOL} it serves on the transport for the hosts of this
 * process, acquire (ask the owner, or take over after its lease), release (fence, flush, record),
 * and lease renewal for the disks its hosts own.
 * <pre>
 * RELEASE request: version u8 (1) | epoch u64 | disk id (u16 length + UTF-8) | requesting host (u16 + UTF-8)
 * reply:           epoch u64 of the released record; a refusal is the transport's error with a one-line reason
 * </pre>
 * Changes of one disk's record are serialized by the disk's owner lock; a take checks, under that
 * lock, that the record is still the one it decided on (compare and set), so of two requesters
 * exactly one gets the disk.
 * <p>Thread-safe.
 */
public final class DiskOwnerService implements DiskOwners, ProtocolHandler {

    /** The transport protocol name of the release requests. */
    public static final String PROTOCOL = "disk-owner";
    private static final Logger LOG = LoggerFactory.getLogger(DiskOwnerService.class);
    private static final int VERSION = 1;

    private final DiskService disks;
    private final Transport transport;
    /** Replaced in place when {@code ownerLease} changes; the next renewal grants the new length. */
    private volatile Duration lease;
    private final Predicate<String> localHost;
    private final Clock clock;

    /**
     * @param localHost which hosts live in this process: their disks' leases are renewed here and
     *                  their release requests answered here
     */
    public DiskOwnerService(DiskService disks, Transport transport, Duration lease, Predicate<String> localHost, Clock clock) {
        this.disks = disks;
        this.transport = transport;
        this.lease = positive(lease);
        this.localHost = localHost;
        this.clock = clock;
    }

    private static Duration positive(Duration lease) {
        if (lease.isZero() || lease.isNegative()) {
            throw new IllegalArgumentException("the owner lease must be positive: " + Durations.format(lease));
        }
        return lease;
    }

    Duration lease() {
        return lease;
    }

    /** Changes the length of the leases granted from now on (those granted keep theirs until renewed). */
    void lease(Duration next) {
        this.lease = positive(next);
    }

    private DiskRuntime disk(String diskId) throws DiskException {
        DiskRuntime disk = disks.runtime(diskId);
        if (disk == null) {
            throw new DiskException("no disk named " + UserText.quote(diskId) + "; disk:list shows the disks");
        }
        return disk;
    }

    /** A lease from now, in the millisecond precision the record file keeps. */
    private Instant leaseFromNow() {
        return clock.instant().plus(lease).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    private String endpoint() {
        return transport.localEndpoint().map(Endpoint::toString).orElse("");
    }

    @Override
    public OwnerRecord owner(String diskId) throws DiskException {
        return disk(diskId).owner();
    }

    // ---- acquire ------------------------------------------------------------------------------

    @Override
    public OwnerRecord acquire(String diskId, String host, Duration timeout) throws DiskException {
        DiskRuntime disk = disk(diskId);
        if (!disks.hostNames().contains(host)) {
            throw new DiskException("no host named " + UserText.quote(host) + "; host:list shows the hosts");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long asked = disk.owner().epoch();
        for (;;) {
            OwnerRecord current = disk.owner();
            if (!current.released() && current.host().equals(host)) {
                return current;
            }
            if (current.epoch() != asked) {
                // Another host took the disk while this one asked for it: that host won.
                throw new DiskException("disk " + diskId + " was taken by host " + current.host() + " (epoch "
                        + current.epoch() + ") while " + host + " asked for it");
            }
            if (current.released()) {
                return take(disk, current, host, "released by " + current.host());
            }
            if (current.endpoint().isEmpty() && localHost.test(current.host())) {
                release(diskId); // an owner of this process not yet on record with an endpoint: no one to ask
                continue;
            }
            String unreachable;
            try {
                askToRelease(current, host, deadline);
                continue; // the owner released it: take it (or find that another host did first)
            } catch (RemoteFailureException e) {
                if (!disk.owner().equals(current)) {
                    continue; // the record moved meanwhile (another requester): look again
                }
                throw new DiskException("host " + current.host() + " did not release disk " + diskId + " to " + host + ": "
                        + e.getMessage(), e);
            } catch (TransportException e) {
                unreachable = e.getMessage();
            }
            OwnerRecord now = disk.owner();
            if (!now.equals(current)) {
                continue; // renewed, released or taken meanwhile: the owner is alive, or someone else acted
            }
            Instant expiry = current.leaseUntil();
            if (!clock.instant().isBefore(expiry)) {
                return take(disk, current, host, "owner " + current.host() + " unreachable (" + unreachable
                        + ") and its lease expired at " + expiry);
            }
            long waitNanos = Duration.between(clock.instant(), expiry).toNanos();
            if (System.nanoTime() + waitNanos - deadline > 0) {
                throw new DiskException("host " + current.host() + " owns disk " + diskId + " and cannot be reached ("
                        + unreachable + "); its lease runs until " + expiry + ", past the timeout of "
                        + Durations.format(timeout));
            }
            LOG.info("Disk {}: owner {} unreachable ({}); waiting {} for its lease to expire", diskId, current.host(),
                    unreachable, Durations.format(Duration.ofNanos(waitNanos)));
            // Waits for a point in time (the lease's expiry), not for another thread.
            LockSupport.parkNanos(waitNanos + TimeUnit.MILLISECONDS.toNanos(1));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new DiskException("interrupted while waiting for the lease of disk " + diskId + " to expire");
            }
        }
    }

    private void askToRelease(OwnerRecord current, String host, long deadline) throws TransportException, DiskException {
        if (current.endpoint().isEmpty()) {
            throw new io.vstack.api.transport.ConnectionClosedException("the owner record names no endpoint");
        }
        Endpoint endpoint;
        try {
            endpoint = Endpoint.parse(current.endpoint());
        } catch (IllegalArgumentException e) {
            throw new io.vstack.api.transport.ConnectionClosedException("the owner record's endpoint " + e.getMessage());
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new DiskException("timed out asking host " + current.host() + " to release disk " + current.diskId());
        }
        byte[] disk = current.diskId().getBytes(StandardCharsets.UTF_8);
        byte[] requester = host.getBytes(StandardCharsets.UTF_8);
        ByteBuffer request = ByteBuffer.allocate(1 + 8 + 2 + disk.length + 2 + requester.length);
        request.put((byte) VERSION).putLong(current.epoch()).putShort((short) disk.length).put(disk)
                .putShort((short) requester.length).put(requester).flip();
        try (TransportConnection c = transport.connect(endpoint)) {
            c.call(PROTOCOL, request, Duration.ofNanos(left));
        }
    }

    /**
     * Takes the disk for {@code host} with the next epoch if its record is still {@code expected}:
     * the record is written and the fence moved while the disk's I/O is held; then the metadata
     * names the new owner and the filter chain moves to its framework.
     */
    private OwnerRecord take(DiskRuntime disk, OwnerRecord expected, String host, String how) throws DiskException {
        OwnerRecord next;
        disk.ownerLock().lock();
        try {
            OwnerRecord current = disk.owner();
            if (!current.equals(expected)) {
                throw new DiskException("disk " + disk.id + " was taken by host " + current.host() + " (epoch "
                        + current.epoch() + ") before " + host + " could take it");
            }
            next = new OwnerRecord(disk.id, host, endpoint(), current.epoch() + 1, leaseFromNow(), false);
            OwnerRecord record = next;
            disk.withIoHeld(() -> {
                write(record);
                disk.owner(record);
                return null;
            });
        } finally {
            disk.ownerLock().unlock();
        }
        String from = disk.metadata().owner();
        if (!from.equals(host)) {
            try {
                java.util.List<String> inactive = disks.changeOwner(disk.id, from, host);
                if (!inactive.isEmpty()) {
                    LOG.warn("Disk {}: filter(s) {} could not be re-created on {} and are inactive", disk.id, inactive, host);
                }
            } catch (IOException | RuntimeException e) {
                throw new DiskException("disk " + disk.id + " is owned by " + host + " (epoch " + next.epoch()
                        + "), but its metadata could not name it: " + e.getMessage(), e);
            }
        }
        LOG.info("Disk {}: owner {} -> {} at epoch {} ({})", disk.id, expected.host(), host, next.epoch(), how);
        return next;
    }

    private void write(OwnerRecord record) throws DiskException {
        try {
            OwnerRecords.write(disks.directory(), record);
        } catch (IOException e) {
            throw new DiskException("cannot write the owner record of disk " + record.diskId() + ": " + e.getMessage(), e);
        }
    }

    // ---- release ------------------------------------------------------------------------------

    /** What must hold of the record in force for a release to go ahead; checked under the owner lock. */
    @FunctionalInterface
    private interface Precondition {
        /** @throws DiskException naming why the disk is not released */
        void check(OwnerRecord current) throws DiskException;
    }

    @Override
    public OwnerRecord release(String diskId) throws DiskException {
        return release(disk(diskId), current -> { });
    }

    private OwnerRecord release(DiskRuntime disk, Precondition precondition) throws DiskException {
        String diskId = disk.id;
        disk.ownerLock().lock();
        try {
            OwnerRecord current = disk.owner();
            precondition.check(current);
            if (current.released()) {
                return current;
            }
            OwnerRecord released = new OwnerRecord(diskId, current.host(), current.endpoint(), current.epoch(),
                    current.leaseUntil(), true);
            // Fence first (in-flight writes drain before it moves), then flush what was acknowledged.
            disk.withIoHeld(() -> {
                disk.owner(released);
                return null;
            });
            try (DiskHandle h = disk.open("disk-release")) {
                h.flush();
                write(released);
            } catch (IoException | DiskException e) {
                disk.withIoHeld(() -> {
                    disk.owner(current);
                    return null;
                });
                throw new DiskException("disk " + diskId + " cannot be released: " + e.getMessage() + "; it stays owned by "
                        + current.host(), e);
            }
            LOG.info("Disk {}: released by {} at epoch {}", diskId, current.host(), current.epoch());
            return released;
        } finally {
            disk.ownerLock().unlock();
        }
    }

    /** Answers a RELEASE request (transport worker thread): the owner, if it lives here, releases the disk. */
    @Override
    public ByteBuffer handle(ByteBuffer request, String peer) throws TransportException {
        String diskId;
        String requester;
        long epoch;
        try {
            if (request.get() != VERSION) {
                throw new TransportException("unknown disk-owner request version");
            }
            epoch = request.getLong();
            diskId = string(request);
            requester = string(request);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new TransportException("malformed disk-owner request from " + peer);
        }
        DiskRuntime disk = disks.runtime(diskId);
        if (disk == null) {
            throw new TransportException("no disk named " + UserText.quote(diskId) + " here");
        }
        try {
            // Checked under the owner lock, with the release: a request for an epoch that a requester
            // took meanwhile must not release that requester's disk.
            OwnerRecord released = release(disk, current -> {
                if (current.epoch() != epoch) {
                    throw new DiskException("disk " + diskId + " is at epoch " + current.epoch() + ", not " + epoch);
                }
                if (!current.released() && !localHost.test(current.host())) {
                    throw new DiskException("host " + current.host() + " does not live here");
                }
            });
            LOG.debug("Disk {}: released at the request of {} ({})", diskId, requester, peer);
            return ByteBuffer.allocate(8).putLong(0, released.epoch());
        } catch (DiskException e) {
            throw new TransportException(e.getMessage(), e);
        }
    }

    private static String string(ByteBuffer b) {
        int n = Short.toUnsignedInt(b.getShort());
        if (n > b.remaining()) {
            throw new IllegalArgumentException("string of " + n + " bytes");
        }
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    // ---- leases -------------------------------------------------------------------------------

    /**
     * Renews the lease of every disk a host of this process owns (and gives a disk without a
     * record its first one, naming this process's endpoint). Called periodically by the owning
     * component's lease thread; a failure is logged per disk.
     */
    public void renewLeases() {
        String endpoint = endpoint();
        for (DiskRuntime disk : disks.runtimes()) {
            OwnerRecord current = disk.owner();
            if (current.released() || !localHost.test(current.host())) {
                continue;
            }
            disk.ownerLock().lock();
            try {
                OwnerRecord now = disk.owner();
                // A deleted disk leaves the inventory under its owner lock before its state directory
                // goes: a renewal that finds it gone must not write that directory back.
                if (!now.equals(current) || disks.runtime(disk.id) != disk) {
                    continue;
                }
                OwnerRecord renewed = new OwnerRecord(now.diskId(), now.host(), endpoint, now.epoch(),
                        leaseFromNow(), false);
                write(renewed);
                disk.owner(renewed); // same epoch, not released: the fence does not move
            } catch (DiskException e) {
                // The record on disk is the old one or the new one (atomic rename): one line is the whole story.
                LOG.warn("Disk {}: lease not renewed: {}", disk.id, e.getMessage());
            } finally {
                disk.ownerLock().unlock();
            }
        }
    }

    /** The record of a disk if it exists (for completers and commands). */
    Optional<OwnerRecord> find(String diskId) {
        return Optional.ofNullable(disks.runtime(diskId)).map(DiskRuntime::owner);
    }
}
