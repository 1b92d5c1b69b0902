package io.vstack.migration.internal;

import io.vstack.api.migration.MigrationException;
import io.vstack.api.migration.MigrationMode;
import io.vstack.api.migration.MigrationParams;
import io.vstack.api.migration.MigrationPhase;
import io.vstack.api.migration.MigrationReport;
import io.vstack.api.migration.MigrationStatus;
import io.vstack.api.migration.PostcopyStats;
import io.vstack.api.net.MobilityEvent;
import io.vstack.api.net.NetworkProgrammer;
import io.vstack.api.net.NetworkProgrammingException;
import io.vstack.api.vm.DiskOwnership;
import io.vstack.api.vm.GuestMemory;
import io.vstack.api.vm.OutgoingVm;
import io.vstack.api.vm.VmException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source side of one pre-copy migration, on its own thread.
 * <p>Setup: connect (main + extra channels), HELLO, {@link NetworkProgrammer#prepare}. Pre-copy:
 * the migration bitmap starts all set; each loop closes the 100 ms bandwidth window, syncs the
 * dirty log when the estimate is at or below the threshold ({@link ConvergenceController}),
 * switches over when the exact pending is below it and no longer worth shrinking while the VM
 * runs ({@link ConvergenceController#shouldSwitchOver}), otherwise sends up to {@value #CHUNK_PAGES}
 * more pages (rate-limited to {@code max-bandwidth} in 100 ms windows). Switchover: stun (t0→t1),
 * final harvest, final pages, channel barrier, CPU and device state, disk ownership, network
 * {@code reprogram}, COMPLETE with the digest (t2); the destination verifies, runs the VM (t4) and
 * answers RESUMED; then {@code complete} on the programmers and the source frees the VM.
 * Any failure before RESUMED rolls everything back and the VM runs on at the source.
 */
final class MigrationRun implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationRun.class);
    static final int CHUNK_PAGES = 256;
    private static final long FINAL = Long.MAX_VALUE;

    /** What the run needs from its manager. */
    interface Context {
        List<NetworkProgrammer> programmers();

        Optional<DiskOwnership> diskOwnership();

        /** Whether the VM now runs on {@code host} in this process (a destination here took it). */
        boolean runsOn(String vmId, String host);

        void finished(MigrationRun run);
    }

    /** Figures of one iteration (the sends between two dirty syncs). */
    record Iteration(long index, long dirtyPagesAtSync, long pagesRaw, long pagesZero, long bytes, long nanos,
                     long bandwidth, long expectedDowntimeNanos, long thresholdBytes, int throttle) {
    }

    final String id;
    final UUID uuid = UUID.randomUUID();
    final String vmId;
    final String source;
    final String destination;
    final MigrationParams params;
    private final InetSocketAddress address;
    final OutgoingVm out;
    final Context context;
    final long started = System.nanoTime();
    final AtomicLong wire = new AtomicLong();
    private final CountDownLatch done = new CountDownLatch(1);
    private final List<Iteration> iterations = new ArrayList<>();
    final List<NetworkProgrammer> prepared = new ArrayList<>();
    final Map<String, Object> timings = new LinkedHashMap<>();
    private final List<SocketChannel> sockets = new ArrayList<>();
    private final Map<String, Object> networkFigures = new LinkedHashMap<>();

    volatile MigrationPhase phase = MigrationPhase.SETUP;
    volatile long syncs;
    volatile long pendingBytes;
    private volatile long bandwidth;
    private volatile long expectedDowntime = -1;
    private volatile int throttle;
    private volatile boolean cancelRequested;
    /** Why the run failed, ending with where the VM runs now: the source after a rollback, the destination after post-copy. */
    private volatile String error;
    private volatile long ended;
    /** Connect, HELLO (the destination takes its memory), extra channels and network prepare. */
    private long setupNanos = -1;
    long t0 = -1;
    long t1 = -1;
    long t2 = -1;
    long t4 = -1;
    long stunNanos = -1;
    long finalPages;
    private long tickGap = -1;
    boolean digestVerified;
    boolean handedOver;
    String diskNote = "no disks";
    PageStream stream;
    /** Hybrid: pre-copy gave up, switch to post-copy (why). */
    private String postcopyReason;
    private long precopySyncs;
    private volatile PostcopyPhase postcopy;
    private volatile Thread runner;
    private Path metricsFile;
    private MigrationReport report;

    MigrationRun(String id, String vmId, String source, String destination, InetSocketAddress address,
                 MigrationParams params, OutgoingVm out, Context context) {
        this.id = id;
        this.vmId = vmId;
        this.source = source;
        this.destination = destination;
        this.address = address;
        this.params = params;
        this.out = out;
        this.context = context;
    }

    MigrationStatus status() {
        long end = ended;
        PostcopyPhase pc = postcopy;
        MigrationPhase ph = phase;
        long pending = pendingBytes;
        if (pc != null && ph == MigrationPhase.POSTCOPY) {
            ph = pc.paused() ? MigrationPhase.POSTCOPY_PAUSED : ph;
            pending = pc.pendingPages() * Pages.SIZE;
        }
        return new MigrationStatus(id, vmId, source, destination, params.mode(), ph, syncs, pending, bandwidth,
                expectedDowntime, throttle, wire.get(), (end == 0 ? System.nanoTime() : end) - started, Optional.ofNullable(error),
                pc == null ? PostcopyStats.NONE : pc.stats(precopySyncs));
    }

    /** Reconnects a paused post-copy now (migrate:recover). */
    void recover() throws MigrationException {
        PostcopyPhase pc = postcopy;
        if (pc == null || phase != MigrationPhase.POSTCOPY) {
            throw new MigrationException("migration " + id + " of VM " + vmId + " is not in post-copy (it is "
                    + phase.name().toLowerCase() + ")");
        }
        if (!pc.paused()) {
            throw new MigrationException("migration " + id + " of VM " + vmId + " is in post-copy and connected: nothing to recover");
        }
        pc.recoverNow();
    }

    /** At shutdown: ends a post-copy run's thread (interrupts it); the VM runs on at the destination. */
    void abandonPostcopy() {
        Thread t = runner;
        if (postcopy != null && t != null) {
            t.interrupt();
        }
    }

    /** Sends the next post-copy frame with a wrong CRC (test hook); false if not in post-copy. */
    boolean corruptPostcopyFrame() {
        PostcopyPhase pc = postcopy;
        return pc != null && pc.corruptNextFrame();
    }

    /** Breaks the post-copy connection (test hook: a cable pulled); false if not in post-copy. */
    boolean cutPostcopyConnection() throws IOException {
        PostcopyPhase pc = postcopy;
        return pc != null && pc.cut();
    }

    /** Asks the run to stop before its switchover. */
    void cancel() throws MigrationException {
        if (phase == MigrationPhase.POSTCOPY) {
            throw new MigrationException("migration " + id + " is in post-copy: the VM runs at " + destination
                    + " and part of its memory is still at " + source + "; it can no longer be cancelled");
        }
        if (phase == MigrationPhase.SWITCHOVER) {
            throw new MigrationException("migration " + id + " is switching over and can no longer be cancelled");
        }
        if (phase.done()) {
            throw new MigrationException("migration " + id + " is already " + phase.name().toLowerCase());
        }
        cancelRequested = true;
    }

    boolean awaitDone(long nanos) throws InterruptedException {
        return done.await(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void setReport(MigrationReport r) {
        this.report = r;
    }

    MigrationReport report() {
        return report;
    }

    void setMetricsFile(Path file) {
        this.metricsFile = file;
    }

    @Override
    public void run() {
        runner = Thread.currentThread();
        MobilityEvent event = new MobilityEvent(id, vmId, source, destination, out.spec().interfaces());
        boolean completeSent = false;
        FrameWriter main = null;
        FrameReader reply = null;
        try {
            SocketChannel socket = connect(Wire.ROLE_MAIN, 0);
            main = new FrameWriter(socket, wire);
            reply = new FrameReader(socket, "destination " + destination, wire);
            hello(main, reply);
            List<FrameWriter> extra = new ArrayList<>();
            for (int c = 1; c <= params.channels(); c++) {
                extra.add(new FrameWriter(connect(Wire.ROLE_MULTIFD, c), wire));
            }
            int pages = (int) out.memory().pages();
            stream = new PageStream(main, extra, "vstack-migration-" + id, params.verifyFullMemory() ? null : new int[pages]);
            long t = System.nanoTime();
            for (NetworkProgrammer p : context.programmers()) {
                prepared.add(p);
                p.prepare(event);
            }
            timings.put("networkPrepareNanos", System.nanoTime() - t);
            setupNanos = System.nanoTime() - started;
            long[] bitmap;
            if (params.mode() == MigrationMode.POSTCOPY) {
                bitmap = PageBitmaps.all(pages);
                postcopyReason = "postcopy mode";
            } else {
                bitmap = precopy(pages);
            }
            if (postcopyReason != null) {
                precopySyncs = syncs;
                PostcopyPhase pc = new PostcopyPhase(this, event, postcopyReason, this::connect);
                postcopy = pc;
                completeSent = true;
                pc.run(main, reply, socket, bitmap, pages);
            } else {
                completeSent = switchover(event, main, reply, bitmap, pages);
            }
            phase = MigrationPhase.COMPLETED;
            LOG.info("Migration {} of VM {} {}→{} completed ({}): {} iterations, downtime {} µs", id, vmId, source, destination,
                    postcopyReason == null ? "pre-copy" : "post-copy: " + postcopyReason, syncs, (t4 - t0) / 1000);
        } catch (PostcopyPhase.FailedAtDestination f) {
            error = f.getMessage() + "; the VM runs on " + destination;
            LOG.warn("Migration {} of VM {} {}→{}: {}", id, vmId, source, destination, error);
            phase = MigrationPhase.FAILED;
        } catch (Cancelled c) {
            error = "cancelled; the VM runs on " + source;
            rollback(event, main, false, "cancelled by the user");
            phase = MigrationPhase.CANCELLED;
        } catch (Exception e) {
            String why = oneLine(e);
            error = why + "; the VM runs on " + source;
            LOG.warn("Migration {} of VM {} {}→{} failed: {}", id, vmId, source, destination, why);
            LOG.debug("migration failure", e);
            rollback(event, main, completeSent, why);
            phase = MigrationPhase.FAILED;
        } finally {
            if (stream != null) {
                stream.close();
            }
            for (SocketChannel s : sockets) {
                try {
                    s.close();
                } catch (IOException e) {
                    LOG.debug("close: {}", e.toString());
                }
            }
            ended = System.nanoTime();
            collectNetworkFigures(event);
            context.finished(this);
            done.countDown();
        }
    }

    private SocketChannel connect(int role) throws IOException {
        return connect(role, 0);
    }

    private SocketChannel connect(int role, int channel) throws IOException {
        SocketChannel s = SocketChannel.open();
        sockets.add(s);
        s.setOption(StandardSocketOptions.SO_SNDBUF, Endpoint.SOCKET_BUFFER);
        s.setOption(StandardSocketOptions.SO_RCVBUF, Endpoint.SOCKET_BUFFER);
        s.setOption(StandardSocketOptions.TCP_NODELAY, role != Wire.ROLE_MULTIFD);
        try {
            s.socket().connect(address, 5000);
        } catch (IOException e) {
            throw new IOException("cannot reach the migration endpoint of " + destination + " at " + address + ": " + e.getMessage(), e);
        }
        long caps = (params.verifyFullMemory() ? Wire.CAP_FULL_DIGEST : 0)
                | (params.mode() != MigrationMode.PRECOPY ? Wire.CAP_POSTCOPY : 0);
        Wire.writePreamble(s, Wire.VERSION, role, channel, caps, uuid);
        Wire.readPreamble(s, "destination " + destination);
        return s;
    }

    private void hello(FrameWriter main, FrameReader reply) throws IOException {
        ByteBuffer spec = SpecCodec.encode(out.spec().onHost(destination));
        ByteBuffer hello = ByteBuffer.allocate(spec.remaining() + 256);
        Wire.putString(hello, destination);
        hello.putShort((short) params.channels());
        hello.put(spec).flip();
        main.write(Wire.HELLO, hello);
        FrameReader.Frame ack = reply.read();
        if (ack.type() == Wire.ERROR) {
            throw new IOException("destination " + destination + " refused: " + Wire.getString(ack.payload()));
        }
        if (ack.type() != Wire.HELLO_ACK) {
            throw new ProtocolException("expected HELLO_ACK from " + destination + ", got " + Wire.typeName(ack.type()));
        }
    }

    private long[] precopy(int pages) throws IOException, Cancelled {
        phase = MigrationPhase.PRECOPY;
        long[] bitmap = PageBitmaps.all(pages);
        long pending = pages;
        ConvergenceController cc = new ConvergenceController(params, System.nanoTime());
        int cursor = 0;
        stream.generation(1);
        long iterStart = System.nanoTime();
        long iterBytes = wire.get();
        long iterRaw = 0;
        long iterZero = 0;
        long lastDirty = pages;
        WindowRateLimit limit = params.maxBandwidth() > 0 ? new WindowRateLimit(params.maxBandwidth(), System.nanoTime()) : null;
        long limitedBytes = wire.get();
        HybridPolicy hybrid = params.mode() == MigrationMode.HYBRID ? new HybridPolicy() : null;
        while (true) {
            if (cancelRequested) {
                throw new Cancelled();
            }
            long now = System.nanoTime();
            cc.update(now, wire.get());
            bandwidth = cc.bandwidthBytesPerSecond();
            expectedDowntime = cc.expectedDowntimeNanos();
            pendingBytes = pending * Pages.SIZE;
            if (cc.shouldSync(now, pending * Pages.SIZE)) {
                stream.flush();
                iterations.add(new Iteration(syncs, lastDirty, stream.pagesRaw() - iterRaw, stream.pagesZero() - iterZero,
                        wire.get() - iterBytes, now - iterStart, cc.bandwidthBytesPerSecond(), cc.expectedDowntimeNanos(),
                        cc.thresholdBytes(), throttle));
                iterStart = now;
                iterBytes = wire.get();
                iterRaw = stream.pagesRaw();
                iterZero = stream.pagesZero();
                lastDirty = out.harvestDirty(bitmap);
                syncs++;
                pending = PageBitmaps.count(bitmap);
                pendingBytes = pending * Pages.SIZE;
                int t = cc.onSync(now, lastDirty, wire.get());
                if (t != throttle) {
                    throttle = t;
                    out.setThrottle(t);
                    LOG.debug("migration {}: throttle {}%", id, t);
                }
                stream.generation((int) Math.min(Integer.MAX_VALUE, syncs + 1));
                boolean capped = params.maxIterations() > 0 && syncs >= params.maxIterations();
                if (hybrid != null && !cc.shouldComplete(pending * Pages.SIZE)) {
                    Iteration last = iterations.get(iterations.size() - 1);
                    if (hybrid.onSync(lastDirty, last.pagesRaw() + last.pagesZero(), pending) || capped) {
                        postcopyReason = capped ? "iteration cap" : hybrid.reason();
                        return bitmap;
                    }
                }
                if (capped || cc.shouldSwitchOver(pending * Pages.SIZE)) {
                    timings.put("switchoverReason", capped ? "iteration cap" : cc.switchoverReason());
                    timings.put("thresholdBytes", cc.thresholdBytes());
                    timings.put("goalBytes", cc.goalBytes());
                    timings.put("dirtyPagesPerSecond", cc.dirtyPagesPerSecond());
                    return bitmap;
                }
                if (pending == 0) {
                    // Nothing to send until the window closes or the guest dirties more.
                    LockSupport.parkNanos(1_000_000L);
                    continue;
                }
            }
            long sendStart = System.nanoTime();
            int sent = 0;
            GuestMemory memory = out.memory();
            while (sent < CHUNK_PAGES && pending > 0) {
                int pfn = PageBitmaps.nextSet(bitmap, cursor);
                if (pfn < 0) {
                    pfn = PageBitmaps.nextSet(bitmap, 0);
                }
                bitmap[pfn >>> 6] &= ~(1L << (pfn & 63));
                cursor = pfn + 1 >= pages ? 0 : pfn + 1;
                stream.add(pfn, memory.page(pfn));
                pending--;
                sent++;
            }
            if (pending == 0) {
                stream.flush();
            }
            if (limit != null) {
                long sentBytes = wire.get();
                long wait = limit.account(sentBytes - limitedBytes, System.nanoTime());
                limitedBytes = sentBytes;
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            cc.busy(System.nanoTime() - sendStart);
        }
    }

    private boolean switchover(MobilityEvent event, FrameWriter main, FrameReader reply, long[] bitmap, int pages)
            throws IOException, VmException, NetworkProgrammingException, InterruptedException, ExecutionException, Cancelled {
        phase = MigrationPhase.SWITCHOVER;
        if (cancelRequested) {
            throw new Cancelled();
        }
        t0 = System.nanoTime();
        stunNanos = out.stun().toNanos();
        t1 = System.nanoTime();
        CompletableFuture<int[]> digest = params.verifyFullMemory()
                ? CompletableFuture.supplyAsync(() -> Pages.crcs(out.memory()), r -> {
                    Thread th = new Thread(r, "vstack-migration-" + id + "-digest");
                    th.setDaemon(true);
                    th.start();
                })
                : null;
        long dirty = out.harvestDirty(bitmap);
        syncs++;
        stream.generation((int) Math.min(Integer.MAX_VALUE, syncs + 1));
        finalPages = PageBitmaps.count(bitmap);
        GuestMemory memory = out.memory();
        for (int w = 0; w < bitmap.length; w++) {
            long bits = bitmap[w];
            while (bits != 0) {
                int pfn = w * 64 + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                stream.add(pfn, memory.page(pfn));
            }
            bitmap[w] = 0;
        }
        stream.barrier(FINAL);
        pendingBytes = 0;
        long tFinal = System.nanoTime();
        main.write(Wire.SWITCHOVER, ByteBuffer.allocate(16).putLong(0, t0).putLong(8, finalPages * Pages.SIZE));
        main.write(Wire.CPU_STATE, out.saveCpuState());
        ByteBuffer device = ByteBuffer.allocate(64 * 1024);
        Wire.putString(device, "disks=" + String.join(",", out.spec().disks()));
        main.write(Wire.DEVICE_STATE, device.flip());
        long tDevices = System.nanoTime();
        List<String> disks = out.spec().disks();
        if (!disks.isEmpty()) {
            Optional<DiskOwnership> ownership = context.diskOwnership();
            if (ownership.isPresent()) {
                ownership.get().handOver(vmId, disks, source, destination);
                handedOver = true;
                diskNote = "handed over to " + destination;
            } else {
                diskNote = "not transferred: no DiskOwnership service registered";
            }
        }
        long tDisks = System.nanoTime();
        for (NetworkProgrammer p : prepared) {
            p.reprogram(event);
        }
        long tNet = System.nanoTime();
        long sum = Pages.digest(digest != null ? digest.get() : streamCrcsOrThrow());
        long tDigest = System.nanoTime();
        main.write(Wire.COMPLETE, ByteBuffer.allocate(17).putLong(0, pages).putLong(8, sum).put(16, (byte) (out.wasRunning() ? 1 : 0)));
        t2 = System.nanoTime();
        timings.put("finalDirtyPages", dirty);
        timings.put("finalPagesNanos", tFinal - t1);
        timings.put("deviceStateNanos", tDevices - tFinal);
        timings.put("diskOwnershipNanos", tDisks - tDevices);
        timings.put("networkReprogramNanos", tNet - tDisks);
        timings.put("digestWaitNanos", tDigest - tNet);
        FrameReader.Frame answer;
        try {
            answer = reply.read();
        } catch (IOException e) {
            if (context.runsOn(vmId, destination)) {
                answer = null; // the destination (here) runs it; only its answer was lost
            } else {
                throw new IOException("destination " + destination + " did not confirm the switchover: " + e.getMessage(), e);
            }
        }
        if (answer != null && answer.type() == Wire.ERROR) {
            throw new IOException("destination " + destination + " refused the switchover: " + Wire.getString(answer.payload()));
        }
        if (answer != null && answer.type() != Wire.RESUMED) {
            throw new ProtocolException("expected RESUMED from " + destination + ", got " + Wire.typeName(answer.type()));
        }
        digestVerified = true;
        if (answer != null) {
            t4 = answer.payload().getLong(0);
        }
        out.complete();
        long tc = System.nanoTime();
        for (NetworkProgrammer p : prepared) {
            try {
                p.complete(event);
            } catch (NetworkProgrammingException e) {
                LOG.warn("network programmer {} could not clean up after migration {}: {}", p.name(), id, e.getMessage());
            }
        }
        timings.put("networkCompleteNanos", System.nanoTime() - tc);
        try {
            FrameReader.Frame tick = reply.read();
            if (tick.type() == Wire.GUEST_TICK) {
                tickGap = tick.payload().getLong(0);
            }
        } catch (IOException e) {
            LOG.debug("no guest tick gap from {}: {}", destination, e.toString());
        }
        return true;
    }

    /** What the programmers measured (e.g. a traffic probe's gap), and the blackout counted from the stun. */
    private void collectNetworkFigures(MobilityEvent event) {
        for (NetworkProgrammer p : prepared) {
            try {
                Map<String, Long> f = p.figures(event);
                if (!f.isEmpty()) {
                    networkFigures.put(p.name(), f);
                    Long first = f.get("firstDeliveredAfterNanos");
                    Long last = f.get("lastDeliveredBeforeNanos");
                    if (first != null && last != null && t0 > 0 && first > t0) {
                        timings.put("networkBlackoutNanos", first - Math.min(last, t0));
                    }
                }
            } catch (RuntimeException e) {
                LOG.debug("figures of network programmer {}: {}", p.name(), e.toString());
            }
        }
    }

    private int[] streamCrcsOrThrow() {
        return stream.sentCrcs();
    }

    private void rollback(MobilityEvent event, FrameWriter main, boolean completeSent, String why) {
        if (main != null) {
            try {
                ByteBuffer b = ByteBuffer.allocate(8 + why.length() * 3);
                Wire.putString(b, why);
                main.write(Wire.CANCEL, b.flip());
            } catch (IOException | RuntimeException e) {
                LOG.debug("could not tell the destination: {}", e.toString());
            }
        }
        for (int i = prepared.size() - 1; i >= 0; i--) {
            try {
                prepared.get(i).rollback(event);
            } catch (RuntimeException e) {
                LOG.warn("network programmer {} failed to roll back migration {}", prepared.get(i).name(), id, e);
            }
        }
        if (handedOver) {
            context.diskOwnership().ifPresent(d -> d.handBack(vmId, out.spec().disks(), source, destination));
            diskNote = "handed back to " + source;
        }
        out.abort();
        if (completeSent) {
            LOG.warn("Migration {}: the destination did not confirm; VM {} resumed at {}", id, vmId, source);
        }
    }

    /** The per-run metrics document (section 7 of the reference design, as far as measured). */
    Map<String, Object> metrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("vm", vmId);
        m.put("source", source);
        m.put("destination", destination);
        m.put("phase", phase.name());
        m.put("error", error);
        m.put("env", RunMetrics.env());
        m.put("params", RunMetrics.params(params));
        m.put("vmMemoryBytes", out.spec().memory());
        m.put("pageSize", Pages.SIZE);
        m.put("vcpus", out.spec().vcpus());
        m.put("workload", out.spec().workload().toString());
        long total = (ended == 0 ? System.nanoTime() : ended) - started;
        m.put("totalNanos", total);
        m.put("setupNanos", setupNanos);
        m.put("syncCount", syncs);
        m.put("iterations", RunMetrics.iterations(iterations));
        m.put("finalPages", finalPages);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("stunNanos", stunNanos);
        d.put("t1MinusT0", t1 < 0 ? -1 : t1 - t0);
        d.put("t2MinusT0SourceSide", t2 < 0 ? -1 : t2 - t0);
        d.put("t4MinusT0", t4 < 0 || t0 < 0 ? -1 : t4 - t0);
        d.put("guestTickGapNanos", tickGap);
        d.putAll(timings);
        m.put("downtime", d);
        long wireBytes = wire.get();
        m.put("wireBytes", wireBytes);
        m.put("wireBytesPerRamByte", (double) wireBytes / out.spec().memory());
        m.put("streamGbitPerSecond", total > 0 ? wireBytes * 8.0 / total : 0.0);
        if (stream != null) {
            m.put("pagesRaw", stream.pagesRaw());
            m.put("pagesZero", stream.pagesZero());
            m.put("channelBytes", stream.channelBytes());
        }
        m.put("postcopy", RunMetrics.postcopy(status().postcopy()));
        m.put("digestVerified", digestVerified);
        m.put("disks", diskNote);
        m.put("networkProgrammers", prepared.stream().map(NetworkProgrammer::name).toList());
        m.put("network", networkFigures);
        return m;
    }

    MigrationReport buildReport(Optional<Path> file) {
        return new MigrationReport(status(), (ended == 0 ? System.nanoTime() : ended) - started,
                t4 < 0 || t0 < 0 ? -1 : t4 - t0, t2 < 0 ? -1 : t2 - t0, tickGap, wire.get(),
                stream == null ? 0 : stream.pagesRaw(), stream == null ? 0 : stream.pagesZero(), digestVerified, file,
                timings.get("networkBlackoutNanos") instanceof Long blackout ? blackout : -1);
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        return m.replace('\n', ' ').replace('\r', ' ');
    }

    /** The user cancelled. */
    private static final class Cancelled extends Exception {
        private static final long serialVersionUID = 1L;
    }
}
