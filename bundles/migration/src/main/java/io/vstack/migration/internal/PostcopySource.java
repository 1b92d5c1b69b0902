package io.vstack.migration.internal;

import io.vstack.api.vm.GuestMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source side of post-copy, after the VM started at the destination: the background push
 * walks the bitmap of pages the destination lacks on the main connection; a page request from the
 * return path is answered at once by the return-path thread itself, in a frame of its own on the
 * PREEMPT connection (even if the push already took the page: it may still be queued in the main
 * connection) (QEMU's postcopy-preempt: a requested page never queues behind megabytes of
 * push in the main connection's socket buffers), and the push jumps to just after the requested
 * page (QEMU's locality behaviour: the guest's next faults are likely nearby). When every page is sent, PC_END
 * carries the digest of all pages at the stun and the destination answers PC_VERIFIED.
 * <p>While the guest faults (a request in the last {@link #YIELD_AFTER_REQUEST_NANOS}), the push
 * yields the processor after each frame: a fault's latency is mostly the wake-ups of the threads it
 * crosses, and the push is the thread that keeps a core busy (docs/BENCHMARKS.md, post-copy: the
 * gain is large on a loaded host, small on a quiet one; requested pages on the preempt connection
 * ask for no more).
 * <p>A broken connection does not fail the migration: the source keeps its pages, pauses, and
 * reconnects (with backoff, {@value #AUTO_ATTEMPTS} automatic attempts, then only on
 * {@link #recoverNow}); on the new connection the destination sends the bitmap of pages it holds,
 * and every page it lacks is pushed again — the pages lost in flight included.
 * <p>Threads: {@link #run} on the migration thread (writes the push); one return-path thread per
 * connection (reads requests, writes requested pages); a page is taken from the bitmap under this
 * object's lock by exactly one of them. {@link #recoverNow} and {@link #cut} from any thread.
 */
final class PostcopySource {

    private static final Logger LOG = LoggerFactory.getLogger(PostcopySource.class);
    static final int AUTO_ATTEMPTS = 20;
    private static final long MAX_BACKOFF_NANOS = 2_000_000_000L;
    /** How long after a page request the push yields the processor at each frame. */
    static final long YIELD_AFTER_REQUEST_NANOS = 5_000_000L;

    /** Opens a new connection to the destination (preambles exchanged). */
    interface Connector {
        SocketChannel connect(int role) throws IOException;
    }

    /** The digest of all pages at the stun (may wait for its computation). */
    interface Digest {
        long get() throws IOException;
    }

    /** The destination refused to resume (it does not know the migration): it never started the VM, or lost it. */
    static final class RecoveryRefused extends IOException {
        private static final long serialVersionUID = 1L;

        RecoveryRefused(String message) {
            super(message);
        }
    }

    private final String name;
    private final GuestMemory memory;
    private final int pages;
    private final long[] missing;
    private final AtomicLong wire;
    private final Connector connector;
    private final Digest digest;
    private volatile int connection;
    private final Semaphore recoverSignal = new Semaphore(0);
    private final PagesFrame batch = new PagesFrame(Wire.PAGES_PER_FRAME);
    private final AtomicLong pagesRequested = new AtomicLong();
    private final AtomicLong pagesPushed = new AtomicLong();
    private volatile SocketChannel socket;
    private volatile SocketChannel preemptSocket;
    private final java.util.List<long[]> early = new java.util.ArrayList<>();
    private volatile int jumpTo = -1;
    private volatile long lastRequest = System.nanoTime() - YIELD_AFTER_REQUEST_NANOS;
    private volatile FrameWriter writer;
    private volatile Thread sender;
    private volatile IOException broken;
    private volatile Wire.Verified verified;
    private volatile String refusal;
    private volatile boolean paused;
    private volatile int recoveries;
    /** The push's cap ({@code null}: none). */
    private final WindowRateLimit limit;
    private int cursor;

    /**
     * @param missing the pages the destination lacks (this object owns and clears it)
     * @param digest       the digest of all pages at the stun, sent in PC_END
     * @param maxBandwidth bytes/s cap of the background push in 100 ms windows, 0 = none (QEMU's
     *                     {@code max-postcopy-bandwidth}, default 0); requested pages are never held back
     */
    PostcopySource(String name, GuestMemory memory, long[] missing, AtomicLong wire, Connector connector, Digest digest,
                   long maxBandwidth) {
        this.limit = maxBandwidth > 0 ? new WindowRateLimit(maxBandwidth, System.nanoTime()) : null;
        this.name = name;
        this.memory = memory;
        this.pages = (int) memory.pages();
        this.missing = missing;
        this.wire = wire;
        this.connector = connector;
        this.digest = digest;
    }

    long pagesRequested() {
        return pagesRequested.get();
    }

    long pagesPushed() {
        return pagesPushed.get();
    }

    int recoveries() {
        return recoveries;
    }

    boolean paused() {
        return paused;
    }

    synchronized long pendingPages() {
        return PageBitmaps.count(missing);
    }

    /** The destination's final report, once received. */
    Wire.Verified verified() {
        return verified;
    }

    /** A page request that arrived before {@link #run} (with RESUMED): served first once connected. */
    void requestedEarly(long[] pfns) {
        synchronized (early) {
            early.add(pfns);
        }
    }

    /** Breaks the current connection (test hook; a cable pulled). */
    void cut() throws IOException {
        SocketChannel s = socket;
        if (s != null) {
            s.close();
        }
    }

    /** Test hook: the next frame of the push goes out corrupt (wrong CRC). */
    void corruptNextFrame() {
        FrameWriter w = writer;
        if (w != null) {
            w.corruptNextFrame();
        }
    }

    /** Reconnects now if paused (the manual {@code migrate:recover}); also re-arms the automatic attempts. */
    void recoverNow() {
        recoverSignal.release();
    }

    /**
     * Pushes every missing page, serving requests first, until the destination verified.
     *
     * @param resumed whether the destination confirmed it started the VM (RESUMED); if not, the
     *                connection broke before, and recovery decides
     * @throws RecoveryRefused if the destination does not know the migration on reconnection
     * @throws InterruptedException if interrupted while paused
     */
    void run(SocketChannel first, FrameWriter w, FrameReader r, boolean resumed) throws IOException, InterruptedException {
        sender = Thread.currentThread();
        if (resumed) {
            try {
                attach(first, w, r);
            } catch (IOException e) {
                LOG.info("Post-copy {}: no preempt connection ({}); recovering", name, e.getMessage());
                closeQuietly(first);
                reconnect();
            }
        } else {
            closeQuietly(first);
            reconnect();
        }
        while (verified == null) {
            try {
                push();
                sendEnd();
                while (verified == null) {
                    checkBroken();
                    LockSupport.parkNanos(this, 1_000_000L);
                }
            } catch (IOException e) {
                if (verified != null) {
                    break;
                }
                LOG.info("Post-copy {}: connection broken ({}); paused, {} pages still at the source", name,
                        e.getMessage() == null ? e.toString() : e.getMessage(), pendingPages());
                closeQuietly(socket);
                closeQuietly(preemptSocket);
                reconnect();
            }
        }
        closeQuietly(socket);
        closeQuietly(preemptSocket);
    }

    private void push() throws IOException {
        batch.clear(); // a frame left half-filled by a broken connection: the destination asks again for its pages
        while (true) {
            checkBroken();
            int jump = jumpTo;
            if (jump >= 0) {
                jumpTo = -1;
                cursor = jump; // the jump: the push goes on from the requested page's neighbourhood
            }
            int pfn = PageBitmaps.nextSet(missing, cursor);
            if (pfn < 0) {
                pfn = PageBitmaps.nextSet(missing, 0);
            }
            if (pfn < 0) {
                flushBatch();
                return;
            }
            cursor = pfn + 1 >= pages ? 0 : pfn + 1;
            if (!take(pfn, -1)) {
                continue; // the return-path thread sent it just now
            }
            put(batch, pfn);
            pagesPushed.incrementAndGet();
            if (batch.isFull()) {
                flushBatch();
            }
        }
    }

    /** On the return-path thread: sends each requested page still missing on the PREEMPT connection, then the jump. */
    private void serve(long[] req, FrameWriter preempt, PagesFrame urgent, int c) throws IOException {
        for (long p : req) {
            int pfn = (int) p;
            if (c != connection) {
                return; // a return-path thread of a broken connection
            }
            // Sent even if the push took it already: it may sit behind megabytes of push in the main
            // connection's buffers. The destination places the first copy that arrives.
            take(pfn, c);
            put(urgent, pfn);
            urgent.send(preempt, 0);
            pagesRequested.incrementAndGet();
            jumpTo = pfn + 1 >= pages ? 0 : pfn + 1;
        }
        lastRequest = System.nanoTime();
    }

    private void flushBatch() throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        int n = batch.payloadBytes();
        batch.send(writer, 0);
        if (System.nanoTime() - lastRequest < YIELD_AFTER_REQUEST_NANOS) {
            // The guest faults: give way to the return-path thread at each frame.
            Thread.yield();
        }
        if (limit != null) {
            // Waits out the window once its budget is spent; the return path serves requests meanwhile.
            long wait = limit.account(n + Wire.HEADER_BYTES, System.nanoTime());
            while (wait > 0) {
                checkBroken();
                LockSupport.parkNanos(this, wait);
                wait = limit.account(0, System.nanoTime());
            }
        }
    }

    private void put(PagesFrame frame, int pfn) {
        ByteBuffer page = memory.page(pfn);
        frame.add(pfn, page, Pages.isZero(page));
    }

    private void sendEnd() throws IOException {
        writer.write(Wire.PC_END, ByteBuffer.allocate(16).putLong(0, pages).putLong(8, digest.get()));
    }

    private void checkBroken() throws IOException {
        IOException b = broken;
        if (b != null) {
            throw b;
        }
    }

    private void attach(SocketChannel s, FrameWriter w, FrameReader r) throws IOException {
        SocketChannel ps = connector.connect(Wire.ROLE_PREEMPT);
        FrameWriter preempt = new FrameWriter(ps, wire);
        int c;
        synchronized (this) {
            c = ++connection;
        }
        broken = null;
        socket = s;
        preemptSocket = ps;
        writer = w;
        Thread reader = new Thread(() -> readReturnPath(r, preempt, c), "vstack-migration-" + name + "-return");
        reader.setDaemon(true);
        reader.start();
    }

    private void readReturnPath(FrameReader r, FrameWriter preempt, int c) {
        PagesFrame urgent = new PagesFrame(1);
        try {
            synchronized (early) {
                for (long[] req : early) {
                    serve(req, preempt, urgent, c);
                }
                early.clear();
            }
            while (true) {
                FrameReader.Frame f = r.read();
                switch (f.type()) {
                    case Wire.PAGE_REQ -> serve(Wire.decodePageRequest(f.payload(), pages), preempt, urgent, c);
                    case Wire.PC_VERIFIED -> verified = Wire.decodeVerified(f.payload());
                    case Wire.GUEST_TICK, Wire.RESUMED -> { }
                    case Wire.ERROR -> throw new IOException("destination reported: " + Wire.getString(f.payload()));
                    default -> throw new ProtocolException("unexpected " + Wire.typeName(f.type()) + " on the return path");
                }
                LockSupport.unpark(sender);
                if (verified != null) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (c == connection) {
                broken = e instanceof IOException io ? io : new IOException(e.toString(), e);
                LockSupport.unpark(sender);
            }
        }
    }

    private void reconnect() throws IOException, InterruptedException {
        paused = true;
        int attempt = 0;
        try {
            while (true) {
                long backoff = Math.min(MAX_BACKOFF_NANOS, 50_000_000L << Math.min(attempt, 6));
                boolean manual = attempt < AUTO_ATTEMPTS
                        ? recoverSignal.tryAcquire(attempt == 0 ? 0 : backoff, TimeUnit.NANOSECONDS)
                        : acquire();
                if (manual) {
                    attempt = 0;
                    recoverSignal.drainPermits();
                }
                attempt++;
                SocketChannel s;
                try {
                    s = connector.connect(Wire.ROLE_RECOVER);
                } catch (IOException e) {
                    LOG.debug("Post-copy {}: reconnection attempt {} failed: {}", name, attempt, e.getMessage());
                    continue;
                }
                try {
                    FrameWriter w = new FrameWriter(s, wire);
                    FrameReader r = new FrameReader(s, "destination (recovery)", wire);
                    FrameReader.Frame f = r.read();
                    switch (f.type()) {
                        case Wire.PC_VERIFIED -> {
                            verified = Wire.decodeVerified(f.payload());
                            closeQuietly(s);
                            return;
                        }
                        case Wire.ERROR -> {
                            closeQuietly(s);
                            throw new RecoveryRefused("the destination refused to resume: " + Wire.getString(f.payload()));
                        }
                        case Wire.RECV_BITMAP -> {
                            long[] received = Wire.decodeBitmap(f.payload(), pages);
                            long lacking = 0;
                            synchronized (this) {
                                connection++; // a return-path thread of the broken connection takes no page from now on
                                for (int i = 0; i < missing.length; i++) {
                                    long valid = i == missing.length - 1 && pages % 64 != 0 ? (1L << (pages % 64)) - 1 : -1L;
                                    missing[i] = ~received[i] & valid;
                                    lacking += Long.bitCount(missing[i]);
                                }
                            }
                            attach(s, w, r);
                            w.write(Wire.RESUME_ACK, ByteBuffer.allocate(8).putLong(0, lacking));
                            recoveries++;
                            LOG.info("Post-copy {}: recovered (recovery {}), the destination lacks {} pages", name, recoveries, lacking);
                            return;
                        }
                        default -> throw new ProtocolException("expected RECV_BITMAP on recovery, got " + Wire.typeName(f.type()));
                    }
                } catch (RecoveryRefused e) {
                    throw e;
                } catch (IOException e) {
                    closeQuietly(s);
                    LOG.info("Post-copy {}: recovery attempt {} failed: {}", name, attempt, e.toString());
                }
            }
        } finally {
            paused = false;
        }
    }

    private boolean acquire() throws InterruptedException {
        recoverSignal.acquire();
        return true;
    }

    /** Takes page {@code pfn} to send it: true if it was still missing (then it is no longer); {@code c} the caller's connection, -1 for the push. */
    private synchronized boolean take(int pfn, int c) {
        if (c >= 0 && c != connection) {
            return false;
        }
        long bit = 1L << (pfn & 63);
        if ((missing[pfn >>> 6] & bit) == 0) {
            return false;
        }
        missing[pfn >>> 6] &= ~bit;
        return true;
    }

    private static void closeQuietly(SocketChannel s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("close: {}", e.toString());
            }
        }
    }
}
