package io.vstack.migration.internal;

import io.vstack.api.vm.IncomingVm;
import io.vstack.api.vm.PageFaultHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destination side of post-copy, once the VM runs here: a vCPU touching a missing page sends
 * PAGE_REQ on the return path from its own thread ({@link #pageFault}); the receiving thread puts
 * arriving pages in place (first copy wins: a page in place may have been written by the guest
 * since) and keeps the CRC of each page as it arrived, so that at PC_END the digest of the pages as
 * they arrived is compared with the source's digest of its memory at the stun. A broken connection
 * pauses (vCPUs touching missing pages wait); {@link #recover} on a new connection sends the bitmap
 * of pages held and re-sends the requests the waiting vCPUs made.
 * <p>Threads: one main receiving thread at a time ({@link #receive}, then {@link #recover}'s
 * caller), the PREEMPT connection's thread ({@link #receivePreempt}, requested pages) beside it;
 * the guest decides which copy of a page is placed (exactly one), this object's lock guards the
 * arrival bitmap and CRCs, and PC_END's verdict waits until every page is recorded there (a page
 * the preempt thread placed may not be yet). vCPU threads call {@link #pageFault}. While a vCPU
 * waits for a page, the main receiving thread yields the processor after each frame of the push,
 * to the preempt connection's thread that brings the requested page.
 */
final class PostcopyDestination implements PageFaultHandler {

    private static final Logger LOG = LoggerFactory.getLogger(PostcopyDestination.class);

    enum State { ACTIVE, PAUSED, DONE }

    private final String name;
    private final IncomingVm vm;
    private final int pages;
    private long[] arrived;
    private int[] crcs;
    /** Pages not yet recorded in {@link #arrived} (with their CRC): the verdict waits for 0. */
    private long unrecorded;
    private volatile FaultRecorder faults;
    private final CRC32C crc = new CRC32C();
    private volatile FrameWriter writer;
    private State state = State.ACTIVE;
    private Wire.Verified verified;
    private int recoveries;

    /**
     * @param missing the pages the source will send (the rest are in place, with their CRCs in {@code crcs})
     * @param crcs    per page, the CRC32C of its bytes as applied so far (owned from now on)
     */
    PostcopyDestination(String name, IncomingVm vm, long[] missing, int[] crcs) {
        this.name = name;
        this.vm = vm;
        this.pages = crcs.length;
        this.crcs = crcs;
        this.arrived = new long[(pages + 63) / 64];
        for (int w = 0; w < arrived.length; w++) {
            long valid = w == arrived.length - 1 && pages % 64 != 0 ? (1L << (pages % 64)) - 1 : -1L;
            arrived[w] = ~missing[w] & valid;
        }
        this.unrecorded = pages - PageBitmaps.count(arrived);
        this.faults = new FaultRecorder(pages);
    }

    synchronized State state() {
        return state;
    }

    synchronized int recoveries() {
        return recoveries;
    }

    FaultRecorder faults() {
        return faults;
    }

    @Override
    public void pageFault(long pfn) {
        FaultRecorder f = faults;
        if (f.size() > pfn) {
            f.requested(pfn, System.nanoTime());
        }
        FrameWriter w = writer;
        if (w == null) {
            return; // paused: the request goes out again on recovery
        }
        try {
            w.write(Wire.PAGE_REQ, Wire.encodePageRequest(new long[] {pfn}, 0, 1));
        } catch (IOException | RuntimeException e) {
            LOG.debug("post-copy {}: page request {} not sent ({}); resent on recovery", name, pfn, e.toString());
        }
    }

    /** The connection page requests go out on, before {@link #receive} (the VM starts before RESUMED is sent). */
    void attachWriter(FrameWriter out) {
        writer = out;
    }

    /**
     * Receives pages until PC_END is verified (returns true) or the connection breaks (returns
     * false: paused, waiting for {@link #recover}).
     *
     * @throws ProtocolException if the source sends something that is not post-copy traffic
     */
    boolean receive(FrameReader in, FrameWriter out) throws ProtocolException {
        writer = out;
        try {
            while (true) {
                FrameReader.Frame f = in.read();
                switch (f.type()) {
                    case Wire.PAGES -> {
                        place(f.payload());
                        if (faults.outstanding() > 0) {
                            // A vCPU waits for a page coming on the preempt connection: give way to its receiver.
                            Thread.yield();
                        }
                    }
                    case Wire.PC_END -> {
                        finish(f.payload(), out);
                        return true;
                    }
                    default -> throw new ProtocolException("unexpected " + Wire.typeName(f.type()) + " in post-copy");
                }
            }
        } catch (ProtocolException e) {
            pause();
            throw e;
        } catch (IOException e) {
            LOG.info("Post-copy of {}: connection broken ({}); paused with {} pages missing", name, e.getMessage(), vm.missingPages());
            pause();
            return false;
        }
    }

    private synchronized void pause() {
        writer = null;
        if (state == State.ACTIVE) {
            state = State.PAUSED;
        }
        notifyAll();
    }

    /**
     * Serves a recovery connection: waits until the broken one is given up, then sends RECV_BITMAP
     * (or PC_VERIFIED again if already done), the pending requests, waits for RESUME_ACK, and
     * receives on. Returns when done or broken again.
     */
    boolean recover(FrameReader in, FrameWriter out) throws IOException {
        synchronized (this) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (state == State.ACTIVE) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ProtocolException("recovery while the post-copy connection is still up");
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted waiting for the broken connection");
                }
            }
            if (state == State.DONE) {
                out.write(Wire.PC_VERIFIED, Wire.encodeVerified(verified));
                return true;
            }
            out.write(Wire.RECV_BITMAP, Wire.encodeBitmap(arrived, pages));
            state = State.ACTIVE;
            recoveries++;
        }
        long[] awaited;
        try {
            writer = out;
            awaited = vm.awaitedPages();
            for (int i = 0; i < awaited.length; i += 4096) {
                out.write(Wire.PAGE_REQ, Wire.encodePageRequest(awaited, i, Math.min(4096, awaited.length - i)));
            }
            FrameReader.Frame ack = in.read();
            if (ack.type() != Wire.RESUME_ACK) {
                throw new ProtocolException("expected RESUME_ACK, got " + Wire.typeName(ack.type()));
            }
        } catch (IOException | RuntimeException e) {
            pause(); // the handshake broke: wait for the next recovery connection
            throw e;
        }
        LOG.info("Post-copy of {}: recovered, {} pages missing, {} requests resent", name, vm.missingPages(), awaited.length);
        return receive(in, out);
    }

    /** Places the requested pages arriving on the PREEMPT connection until it closes. */
    void receivePreempt(FrameReader in) throws ProtocolException {
        CRC32C c = new CRC32C();
        try {
            while (true) {
                FrameReader.Frame f = in.read();
                if (f.type() != Wire.PAGES) {
                    throw new ProtocolException("unexpected " + Wire.typeName(f.type()) + " on the preempt channel");
                }
                place(f.payload(), c);
            }
        } catch (ProtocolException e) {
            throw e;
        } catch (IOException e) {
            LOG.debug("post-copy {}: preempt channel closed ({})", name, e.toString());
        }
    }

    private void place(ByteBuffer p) throws ProtocolException {
        place(p, crc);
    }

    private void place(ByteBuffer p, CRC32C crc) throws ProtocolException {
        // generation: unused in post-copy (the source's memory no longer changes)
        PagesFrame.decode(p, pages, crc, placer);
    }

    private final PagesFrame.Sink placer = this::placeOne;

    private void placeOne(int pfn, int gen, ByteBuffer bytes, int crc) {
        // The guest places exactly one copy: a second one (after a recovery) is dropped there.
        if (!vm.placePage(pfn, bytes)) {
            return;
        }
        faults.placed(pfn, System.nanoTime());
        synchronized (this) {
            if (arrived != null) {
                crcs[pfn] = crc;
                arrived[pfn >>> 6] |= 1L << (pfn & 63);
                if (--unrecorded == 0) {
                    notifyAll();
                }
            }
        }
    }

    private void finish(ByteBuffer p, FrameWriter out) throws IOException {
        long pageCount = p.getLong();
        long digest = p.getLong();
        long lacking;
        long ours;
        synchronized (this) {
            // Requested pages come on the PREEMPT connection: the last ones may still be on their way.
            // The wait is for their CRCs, not for the guest to hold them: another thread places a page
            // in the guest before it records its CRC, and a digest taken in between would count the
            // CRC the page had before (a hybrid migration's pre-copied, since dirtied copy).
            long deadline = System.nanoTime() + 10_000_000_000L;
            long left;
            while (unrecorded > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break; // the verdict counts what is here
                }
            }
            lacking = unrecorded;
            ours = Pages.digest(crcs);
        }
        boolean ok = pageCount == pages && lacking == 0 && ours == digest;
        String message = ok ? "" : lacking > 0 ? lacking + " pages never arrived"
                : "digest mismatch: the pages as they arrived differ from the source's at the stun ("
                + Long.toHexString(ours) + " != " + Long.toHexString(digest) + ")";
        Wire.Verified v = new Wire.Verified(ok, faults.faults(), faults.percentile(50), faults.percentile(99), faults.max(), message);
        synchronized (this) {
            verified = v;
            state = State.DONE;
            writer = null;
            // Kept (small) so that a source that missed PC_VERIFIED learns the verdict on reconnection.
            arrived = null;
            crcs = null;
            faults = new FaultRecorder(0);
            notifyAll();
        }
        if (ok) {
            LOG.info("Post-copy of {} done: every page arrived and matches the source's digest; {} faults, p99 {} µs", name,
                    v.faults(), v.p99Nanos() / 1000);
        } else {
            LOG.warn("Post-copy of {} ended with an error: {}", name, message);
        }
        out.write(Wire.PC_VERIFIED, Wire.encodeVerified(v));
    }
}
