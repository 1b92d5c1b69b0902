package io.vstack.migration.internal;

import io.vstack.api.vm.IncomingVm;
import io.vstack.api.vm.VmException;
import io.vstack.api.vm.VmMobility;
import io.vstack.api.vm.VmSpec;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destination side of one migration: receives the main channel (and its extra channels),
 * applies pages under the generation rule (a page is applied only if its generation is at least
 * the one already applied, so a late older copy on another channel never overwrites a newer one),
 * verifies the digest, starts the VM, answers RESUMED. Any failure before the VM starts aborts
 * the incoming VM: the destination frees its memory, the source keeps the VM.
 */
final class IncomingSession {

    private static final Logger LOG = LoggerFactory.getLogger(IncomingSession.class);
    private static final int STRIPES = 64;

    private final String host;
    private final VmMobility mobility;
    private final Map<UUID, IncomingSession> sessions;
    private final AtomicLong bytes = new AtomicLong();
    private final Object[] stripes = new Object[STRIPES];
    /** With extra channels a page may arrive on two channels at once: one stripe lock per page group. */
    private final PagesFrame.Sink applyLocked = (pfn, gen, bytes, crc) -> {
        synchronized (stripes[pfn % STRIPES]) {
            applyOne(pfn, gen, bytes, crc);
        }
    };
    /** With the main channel only, pages are read straight into guest memory (see {@link PagesFrame#receive}). */
    private final PagesFrame.Target applyInPlace = new PagesFrame.Target() {
        @Override
        public ByteBuffer page(int pfn) {
            return vm.memory().page(pfn);
        }

        @Override
        public void applied(int pfn, int gen, int crc) throws ProtocolException {
            if (gen < gens[pfn]) {
                throw new ProtocolException("page " + pfn + " went back from generation " + gens[pfn] + " to " + gen + " on the main channel");
            }
            gens[pfn] = gen;
            crcs[pfn] = crc;
        }
    };
    private UUID id;
    private int channels;
    private CountDownLatch channelsFlushed;
    private volatile IncomingVm vm;
    private volatile int[] gens;
    private volatile int[] crcs;
    private volatile boolean fullDigest;
    private volatile boolean finished;
    private volatile boolean postcopy;
    private volatile long[] missing;
    private volatile PostcopyDestination pc;
    private volatile boolean aborted;

    IncomingSession(String host, VmMobility mobility, Map<UUID, IncomingSession> sessions) {
        this.host = host;
        this.mobility = mobility;
        this.sessions = sessions;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /** Serves one accepted connection: the main channel of a new migration, or an extra channel of a known one. */
    static void serve(String host, VmMobility mobility, Map<UUID, IncomingSession> sessions, SocketChannel socket) {
        String peer = "migration peer " + remote(socket);
        try (socket) {
            Wire.Preamble preamble;
            try {
                preamble = Wire.readPreamble(socket, peer);
            } finally {
                // Always answer with our own preamble: a peer speaking another version learns ours.
                Wire.writePreamble(socket, Wire.VERSION, Wire.ROLE_MAIN, 0, 0, new UUID(0, 0));
            }
            if (preamble.role() == Wire.ROLE_RECOVER) {
                IncomingSession session = sessions.get(preamble.migrationId());
                FrameWriter out = new FrameWriter(socket, new AtomicLong());
                if (session == null) {
                    sendError(out, "no post-copy migration " + preamble.migrationId() + " on host " + host);
                    return;
                }
                session.serveRecovery(socket, peer, out);
            } else if (preamble.role() == Wire.ROLE_PREEMPT) {
                IncomingSession session = sessions.get(preamble.migrationId());
                if (session == null) {
                    throw new ProtocolException("preempt channel for unknown migration " + preamble.migrationId());
                }
                session.receivePreempt(socket, peer);
            } else if (preamble.role() == Wire.ROLE_MULTIFD) {
                IncomingSession session = sessions.get(preamble.migrationId());
                if (session == null) {
                    throw new ProtocolException("extra channel for unknown migration " + preamble.migrationId());
                }
                session.receiveChannel(socket, peer);
            } else {
                new IncomingSession(host, mobility, sessions).receiveMain(socket, peer, preamble);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("incoming migration connection on {} ended: {}", host, e.toString());
        }
    }

    private void receiveMain(SocketChannel socket, String peer, Wire.Preamble preamble) throws IOException {
        id = preamble.migrationId();
        fullDigest = (preamble.caps() & Wire.CAP_FULL_DIGEST) != 0;
        postcopy = (preamble.caps() & Wire.CAP_POSTCOPY) != 0;
        FrameWriter out = new FrameWriter(socket, bytes);
        FrameReader in = new FrameReader(socket, peer, bytes);
        byte[] cpuState = null;
        try {
            FrameReader.Frame hello = in.read();
            if (hello.type() != Wire.HELLO) {
                throw new ProtocolException("expected HELLO from " + peer + ", got " + Wire.typeName(hello.type()));
            }
            ByteBuffer p = hello.payload();
            String destination = Wire.getString(p);
            channels = p.getShort();
            VmSpec spec = SpecCodec.decode(p);
            if (!destination.equals(host)) {
                throw new VmException("this endpoint is host " + host + ", not " + destination);
            }
            vm = mobility.prepareIncoming(spec.onHost(host));
            int pages = (int) spec.pages();
            gens = new int[pages];
            crcs = new int[pages];
            Arrays.fill(crcs, Pages.ZERO_CRC);
            channelsFlushed = new CountDownLatch(channels);
            sessions.put(id, this);
            out.write(Wire.HELLO_ACK, ByteBuffer.allocate(1).put(0, (byte) 1));
            CRC32C crc = new CRC32C();
            ByteBuffer[] views = channels == 0 ? new ByteBuffer[Wire.PAGES_PER_FRAME] : null;
            in.splitPages(channels == 0);
            while (true) {
                FrameReader.Frame f = in.read();
                switch (f.type()) {
                    case Wire.PAGES -> {
                        if (views != null) {
                            checkInMigration();
                            PagesFrame.receive(f.payload(), gens.length, in, crc, views, applyInPlace);
                        } else {
                            apply(f.payload(), crc);
                        }
                    }
                    case Wire.ITER_END, Wire.SWITCHOVER, Wire.DEVICE_STATE -> { }
                    case Wire.CPU_STATE -> {
                        cpuState = new byte[f.payload().remaining()];
                        f.payload().get(cpuState);
                    }
                    case Wire.COMPLETE -> {
                        complete(f.payload(), cpuState, out);
                        return;
                    }
                    case Wire.PC_DISCARD -> {
                        if (!postcopy) {
                            throw new ProtocolException("PC_DISCARD without the post-copy capability");
                        }
                        awaitChannels();
                        missing = Wire.decodeBitmap(f.payload(), gens.length);
                    }
                    case Wire.PC_RUN -> {
                        if (!runPostcopy(f.payload(), cpuState, in, out, spec.name())) {
                            return;
                        }
                        // Kept after DONE: a source that missed PC_VERIFIED reconnects and learns the verdict.
                        release();
                        return;
                    }
                    case Wire.CANCEL, Wire.ERROR -> {
                        String why = Wire.getString(f.payload());
                        LOG.info("Incoming VM {} on {} aborted by the source: {}", spec.name(), host, why);
                        abort();
                        return;
                    }
                    default -> throw new ProtocolException("unexpected " + Wire.typeName(f.type()) + " from " + peer);
                }
            }
        } catch (VmException e) {
            abort();
            sendError(out, e.getMessage());
        } catch (IOException | RuntimeException e) {
            abort();
            sendError(out, e.getMessage());
            throw e;
        } finally {
            if (id != null && pc == null) {
                sessions.remove(id, this);
            }
        }
    }

    /** PC_RUN: starts the VM with the discarded pages missing, answers RESUMED, receives pages. False if the VM did not start. */
    private boolean runPostcopy(ByteBuffer p, byte[] cpuState, FrameReader in, FrameWriter out, String name) throws IOException {
        boolean running = p.get() != 0;
        if (cpuState == null || missing == null) {
            throw new ProtocolException("PC_RUN without " + (cpuState == null ? "CPU_STATE" : "PC_DISCARD"));
        }
        PostcopyDestination d = new PostcopyDestination(name + "@" + host, vm, missing, crcs);
        in.splitPages(false); // the VM runs from now on: pages go through PostcopyDestination, checked before they land
        long started;
        try {
            d.attachWriter(out); // a vCPU may fault the moment it starts: its request goes out before RESUMED
            vm.expectPages(missing, d);
            synchronized (this) {
                if (aborted) {
                    throw new VmException("the incoming VM was aborted");
                }
                started = vm.activate(cpuState, running);
                finished = true;
                pc = d;
                notifyAll();
            }
        } catch (VmException e) {
            abort();
            sendError(out, e.getMessage());
            return false;
        }
        out.write(Wire.RESUMED, ByteBuffer.allocate(9).putLong(0, started).put(8, (byte) 1));
        d.receive(in, out);
        return true;
    }

    /** The PREEMPT connection of a post-copy migration: requested pages. */
    private void receivePreempt(SocketChannel socket, String peer) throws IOException {
        PostcopyDestination d = awaitPostcopy();
        if (d == null) {
            throw new ProtocolException("preempt channel for migration " + id + " that is not in post-copy");
        }
        d.receivePreempt(new FrameReader(socket, peer, bytes));
    }

    private synchronized PostcopyDestination awaitPostcopy() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (pc == null && !aborted && System.nanoTime() < deadline) {
            try {
                wait(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return pc;
    }

    /** A recovery connection of a post-copy migration whose connection broke. */
    private void serveRecovery(SocketChannel socket, String peer, FrameWriter out) throws IOException {
        PostcopyDestination d = awaitPostcopy();
        if (d == null) {
            sendError(out, "no post-copy migration " + id + " running on host " + host + " (the VM did not start here)");
            return;
        }
        if (d.recover(new FrameReader(socket, peer, bytes), out) && d.state() == PostcopyDestination.State.DONE) {
            release();
        }
    }

    /** After post-copy: drops the per-page arrays; the session stays known for a late recovery connection. */
    private void release() {
        gens = null;
        crcs = null;
    }

    /** Post-copy figures of the destination side (tests). */
    PostcopyDestination postcopyDestination() {
        return pc;
    }

    private void awaitChannels() throws ProtocolException {
        try {
            if (!channelsFlushed.await(30, TimeUnit.SECONDS)) {
                throw new ProtocolException("extra channels did not reach the final barrier");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProtocolException("interrupted at the final barrier");
        }
    }

    private void complete(ByteBuffer p, byte[] cpuState, FrameWriter out) throws IOException {
        long pageCount = p.getLong();
        long digest = p.getLong();
        boolean running = p.get() != 0;
        try {
            if (!channelsFlushed.await(30, TimeUnit.SECONDS)) {
                throw new ProtocolException("extra channels did not reach the final barrier");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProtocolException("interrupted at the final barrier");
        }
        if (cpuState == null) {
            throw new ProtocolException("COMPLETE without CPU_STATE");
        }
        long ours = Pages.digest(fullDigest ? Pages.crcs(vm.memory()) : crcs);
        if (pageCount != vm.memory().pages() || ours != digest) {
            abort();
            sendError(out, "digest mismatch: the destination's pages differ from the source's (" + Long.toHexString(ours)
                    + " != " + Long.toHexString(digest) + ")");
            return;
        }
        long started;
        try {
            started = vm.activate(cpuState, running);
        } catch (VmException e) {
            sendError(out, e.getMessage());
            return;
        }
        finished = true;
        out.write(Wire.RESUMED, ByteBuffer.allocate(9).putLong(0, started).put(8, (byte) 1));
        long gap;
        try {
            gap = vm.awaitGuestTickGap(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            gap = -1;
        }
        out.write(Wire.GUEST_TICK, ByteBuffer.allocate(8).putLong(0, gap));
    }

    private void receiveChannel(SocketChannel socket, String peer) throws IOException {
        FrameReader in = new FrameReader(socket, peer, bytes);
        CRC32C crc = new CRC32C();
        while (true) {
            FrameReader.Frame f;
            try {
                f = in.read();
            } catch (EOFException e) {
                return;
            }
            switch (f.type()) {
                case Wire.PAGES -> apply(f.payload(), crc);
                case Wire.ITER_END -> {
                    if (f.payload().getLong(0) == Long.MAX_VALUE) {
                        channelsFlushed.countDown();
                    }
                }
                default -> throw new ProtocolException("unexpected " + Wire.typeName(f.type()) + " on an extra channel");
            }
        }
    }

    /** Applies a PAGES frame of the main or an extra channel, with extra channels running. */
    private void apply(ByteBuffer p, CRC32C crc) throws ProtocolException {
        checkInMigration();
        PagesFrame.decode(p, gens.length, crc, applyLocked);
    }

    private void checkInMigration() throws ProtocolException {
        if (finished || vm == null) {
            throw new ProtocolException("PAGES outside a migration");
        }
    }

    private void applyOne(int pfn, int gen, ByteBuffer bytes, int crc) {
        if (gen < gens[pfn]) {
            return; // an older copy arriving late on another channel
        }
        gens[pfn] = gen;
        ByteBuffer page = vm.memory().page(pfn);
        if (bytes == null) {
            Pages.zero(page);
        } else {
            page.put(bytes);
        }
        crcs[pfn] = crc;
    }

    private void abort() {
        synchronized (this) {
            aborted = true;
            notifyAll();
        }
        IncomingVm v = vm;
        if (v != null && !finished) {
            v.abort();
        }
    }

    private static void sendError(FrameWriter out, String message) {
        try {
            ByteBuffer b = ByteBuffer.allocate(8 + message.length() * 3);
            Wire.putString(b, message);
            out.write(Wire.ERROR, b.flip());
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not tell the source: {}", e.toString());
        }
    }

    private static String remote(SocketChannel socket) {
        try {
            return String.valueOf(socket.getRemoteAddress());
        } catch (IOException e) {
            return "?";
        }
    }
}
