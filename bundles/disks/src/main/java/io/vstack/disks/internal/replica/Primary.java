package io.vstack.disks.internal.replica;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.io.IoException;
import io.vstack.api.replication.ReplicaStatus;
import io.vstack.api.transport.Endpoint;
import io.vstack.api.transport.Transport;
import io.vstack.api.transport.TransportConnection;
import io.vstack.api.transport.TransportException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary side of one replicated disk: each {@link #cycle} seals the blocks its
 * {@link DirtyTracker} saw written and ships them to the recovery site as one delta — begin,
 * chunks of up to 1 MiB (a few in flight; one the site refuses for a bad checksum is sent again),
 * commit. A failed shipment puts the delta's blocks back into the dirty bitmap, so the next delta
 * resyncs them; the connection is opened again (with a hello that learns the site's last point).
 * <p>Cycles of one primary never overlap (its owner runs them on one thread at a time); the
 * status is read from other threads.
 */
final class Primary {

    private static final Logger LOG = LoggerFactory.getLogger(Primary.class);
    private static final int IN_FLIGHT = 4;
    private static final int RESENDS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    final String diskId;
    final Endpoint target;
    final Duration rpo;
    final int keep;
    private final Transport transport;
    private final DirtyTracker tracker;
    private final VirtualDisk disk;
    private TransportConnection connection;
    private long lastSequence = -1;
    private volatile String state = "starting";
    private volatile Instant lastPointAt;
    private volatile long acknowledged;
    private final AtomicLong bytesShipped = new AtomicLong();
    private final AtomicLong resends = new AtomicLong();
    /** Simulated faults: the chunk indexes (within a delta) whose first send gets one bit flipped. */
    private volatile IntPredicate flipBit = i -> false;

    Primary(String diskId, Endpoint target, Duration rpo, int keep, Transport transport, DirtyTracker tracker, VirtualDisk disk) {
        this.diskId = diskId;
        this.target = target;
        this.rpo = rpo;
        this.keep = keep;
        this.transport = transport;
        this.tracker = tracker;
        this.disk = disk;
    }

    void flipBit(IntPredicate chunks) {
        this.flipBit = chunks;
    }

    /** Connects and says hello: learns the last point the site holds. */
    synchronized long connect() throws TransportException {
        if (connection != null && connection.isOpen()) {
            return lastSequence;
        }
        closeConnection();
        connection = transport.connect(target);
        ByteBuffer hello = ByteBuffer.allocate(64 + diskId.length() * 3);
        hello.put(Wire.HELLO);
        Wire.putString(hello, diskId);
        hello.putLong(tracker.blocks() * tracker.blockSize()).putInt(tracker.blockSize()).putInt(keep).flip();
        lastSequence = connection.call(Wire.PROTOCOL, hello, TIMEOUT).getLong(0);
        return lastSequence;
    }

    /**
     * Seals and ships one delta; on failure the delta's blocks are dirty again and the state says
     * why. Returns whether the delta reached the site.
     */
    synchronized boolean cycle() {
        DirtyTracker.Delta delta = null;
        try {
            long last = connect();
            delta = tracker.seal(last + 1);
            ship(delta, last == 0);
            tracker.shipped(delta);
            lastSequence = delta.sequence;
            acknowledged = delta.sequence;
            lastPointAt = delta.sealedAt;
            state = "replicating";
            return true;
        } catch (TransportException | IoException | RuntimeException e) {
            if (delta != null) {
                tracker.abandon(delta);
            }
            closeConnection();
            state = "link down: " + e.getMessage();
            LOG.info("disk {}: replication to {} failed, its blocks resync with the next delta: {}", diskId, target, e.getMessage());
            LOG.debug("disk {}: replication failure", diskId, e);
            return false;
        }
    }

    private void ship(DirtyTracker.Delta delta, boolean siteIsEmpty) throws TransportException, IoException {
        int blockSize = tracker.blockSize();
        int perChunk = Math.max(1, Wire.CHUNK_DATA / blockSize);
        long blocks = delta.blocks();
        int chunks = (int) ((blocks + perChunk - 1) / perChunk);
        ByteBuffer begin = ByteBuffer.allocate(64 + diskId.length() * 3);
        begin.put(Wire.BEGIN);
        Wire.putString(begin, diskId);
        begin.putLong(delta.sequence).putLong(delta.sealedAt.toEpochMilli()).putInt(chunks).flip();
        connection.call(Wire.PROTOCOL, begin, TIMEOUT);
        int[] crcs = new int[chunks];
        long[] list = new long[perChunk];
        ByteBuffer data = ByteBuffer.allocateDirect(perChunk * blockSize);
        ArrayDeque<Sent> inFlight = new ArrayDeque<>();
        long bytes = 0;
        try (DiskHandle handle = disk.openAt("replica", ReplicaFilterFactory.NAME)) {
            long b = delta.next(0);
            for (int c = 0; c < chunks; c++) {
                int n = 0;
                data.clear();
                while (n < perChunk && b >= 0) {
                    long first = b;
                    int run = 1;
                    while (n + run < perChunk && delta.has(first + run)) {
                        run++;
                    }
                    delta.read(first, run, handle::read, data);
                    for (int i = 0; i < run; i++) {
                        list[n++] = first + i;
                    }
                    b = delta.next(first + run);
                }
                ByteBuffer chunk = chunk(delta.sequence, c, list, n, data, siteIsEmpty);
                crcs[c] = chunk.getInt(chunk.limit() - 4);
                bytes += (long) n * blockSize;
                if (inFlight.size() >= IN_FLIGHT) {
                    await(inFlight.poll());
                }
                inFlight.add(send(c, chunk));
            }
            while (!inFlight.isEmpty()) {
                await(inFlight.poll());
            }
        }
        ByteBuffer commit = ByteBuffer.allocate(64 + diskId.length() * 3);
        commit.put(Wire.COMMIT);
        Wire.putString(commit, diskId);
        commit.putLong(delta.sequence).putInt(chunks).putLong(blocks).putLong(bytes).putInt(Wire.digest(crcs)).flip();
        connection.call(Wire.PROTOCOL, commit, TIMEOUT);
        bytesShipped.addAndGet(bytes);
    }

    /**
     * A chunk frame of blocks {@code list[0..n)} whose data is in {@code data}; on the first delta
     * to an empty site, all-zero blocks are left out (the site's base reads zeros already).
     */
    private ByteBuffer chunk(long sequence, int index, long[] list, int n, ByteBuffer data, boolean skipZeros) {
        int blockSize = tracker.blockSize();
        ByteBuffer out = ByteBuffer.allocate(64 + diskId.length() * 3 + n * (8 + blockSize));
        out.put(Wire.CHUNK);
        Wire.putString(out, diskId);
        out.putLong(sequence).putInt(index);
        int countAt = out.position();
        out.putInt(0);
        int kept = 0;
        boolean[] keep = new boolean[n];
        for (int i = 0; i < n; i++) {
            keep[i] = !skipZeros || !zero(data, i * blockSize, blockSize);
            if (keep[i]) {
                out.putLong(list[i]);
                kept++;
            }
        }
        out.putInt(countAt, kept);
        for (int i = 0; i < n; i++) {
            if (keep[i]) {
                out.put(data.duplicate().position(i * blockSize).limit((i + 1) * blockSize));
            }
        }
        out.putInt(Wire.crc(out, out.position()));
        return out.flip();
    }

    private static boolean zero(ByteBuffer data, int from, int length) {
        for (int i = from; i < from + length; i += 8) {
            if (data.getLong(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private record Sent(int index, ByteBuffer chunk, CompletableFuture<ByteBuffer> reply) {
    }

    private Sent send(int index, ByteBuffer chunk) {
        ByteBuffer wire = chunk;
        if (flipBit.test(index)) {
            wire = ByteBuffer.allocate(chunk.remaining()).put(chunk.duplicate()).flip();
            int at = wire.limit() / 2;
            wire.put(at, (byte) (wire.get(at) ^ 0x10));
        }
        return new Sent(index, chunk, connection.request(Wire.PROTOCOL, wire, TIMEOUT));
    }

    /** Waits for a chunk's reply; sends it again (at most {@value #RESENDS} times) if the site found it corrupt. */
    private void await(Sent sent) throws TransportException {
        for (int attempt = 0; ; attempt++) {
            ByteBuffer reply = result(sent.reply);
            if (reply.get(0) == 0) {
                return;
            }
            if (attempt >= RESENDS) {
                throw new TransportException("chunk " + sent.index + " was refused as corrupt " + (attempt + 1) + " times");
            }
            resends.incrementAndGet();
            LOG.info("disk {}: the recovery site refused chunk {} (bad checksum); sending it again", diskId, sent.index);
            sent = new Sent(sent.index, sent.chunk, connection.request(Wire.PROTOCOL, sent.chunk.duplicate(), TIMEOUT));
        }
    }

    private ByteBuffer result(CompletableFuture<ByteBuffer> reply) throws TransportException {
        try {
            return reply.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TransportException t) {
                throw t;
            }
            throw new TransportException("chunk failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while shipping", e);
        }
    }

    private void closeConnection() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    /** Stops: closes the connection (a cycle in progress fails and is not retried). */
    void close() {
        TransportConnection c = connection;
        if (c != null) {
            c.close();
        }
    }

    ReplicaStatus status() {
        return new ReplicaStatus(diskId, ReplicaStatus.Role.PRIMARY, target.toString(), rpo, keep, state, acknowledged,
                Optional.ofNullable(lastPointAt), tracker.dirtyBlocks(), bytesShipped.get(), resends.get());
    }

    /** Sequence numbers acknowledged so far, for tests. */
    long acknowledged() {
        return acknowledged;
    }
}
