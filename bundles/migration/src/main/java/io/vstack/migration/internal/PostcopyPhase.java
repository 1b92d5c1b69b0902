package io.vstack.migration.internal;

import io.vstack.api.migration.MigrationPhase;
import io.vstack.api.migration.PostcopyStats;
import io.vstack.api.net.MobilityEvent;
import io.vstack.api.net.NetworkProgrammer;
import io.vstack.api.net.NetworkProgrammingException;
import io.vstack.api.vm.DiskOwnership;
import io.vstack.api.vm.VmException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch to post-copy and the post-copy phase of one migration (QEMU's {@code postcopy_start}
 * and what follows). Switch: stun (t0→t1), final harvest into the bitmap of pages the destination
 * lacks, channel barrier, SWITCHOVER, CPU_STATE, DEVICE_STATE, disk hand-over, network
 * {@code reprogram} (at the switch, not after post-copy: the VM runs at the destination from now
 * on), PC_DISCARD (the bitmap), PC_RUN (t2); the destination starts the VM and answers RESUMED (t4).
 * Then {@link PostcopySource} pushes the pages, requested ones first, until the destination verifies
 * the digest of all pages at the stun (computed here on its own thread while the pages flow).
 * Failures before PC_RUN roll back as in pre-copy; after it, a broken connection pauses and recovers.
 */
final class PostcopyPhase {

    private static final Logger LOG = LoggerFactory.getLogger(PostcopyPhase.class);

    /** Post-copy ended but the destination found a problem; the VM runs there, nothing to roll back. */
    static final class FailedAtDestination extends Exception {
        private static final long serialVersionUID = 1L;

        FailedAtDestination(String message) {
            super(message);
        }
    }

    private final MigrationRun run;
    private final MobilityEvent event;
    private final String reason;
    private final PostcopySource.Connector connector;
    private volatile PostcopySource source;
    private volatile long switchedAt = -1;

    PostcopyPhase(MigrationRun run, MobilityEvent event, String reason, PostcopySource.Connector connector) {
        this.run = run;
        this.event = event;
        this.reason = reason;
        this.connector = connector;
    }

    boolean paused() {
        PostcopySource s = source;
        return s != null && s.paused();
    }

    long pendingPages() {
        PostcopySource s = source;
        return s == null ? 0 : s.pendingPages();
    }

    void recoverNow() {
        PostcopySource s = source;
        if (s != null) {
            s.recoverNow();
        }
    }

    boolean cut() throws IOException {
        PostcopySource s = source;
        if (s == null) {
            return false;
        }
        s.cut();
        return true;
    }

    boolean corruptNextFrame() {
        PostcopySource s = source;
        if (s == null) {
            return false;
        }
        s.corruptNextFrame();
        return true;
    }

    PostcopyStats stats(long precopyIterations) {
        PostcopySource s = source;
        if (s == null) {
            return new PostcopyStats(switchedAt < 0 ? -1 : switchedAt - run.started, reason, precopyIterations, 0, -1, -1, -1, 0, 0, 0);
        }
        Wire.Verified v = s.verified();
        return new PostcopyStats(switchedAt - run.started, reason, precopyIterations, v == null ? s.pagesRequested() : v.faults(),
                v == null ? -1 : v.p50Nanos(), v == null ? -1 : v.p99Nanos(), v == null ? -1 : v.maxNanos(), s.pagesRequested(),
                s.pagesPushed(), s.recoveries());
    }

    void run(FrameWriter main, FrameReader reply, SocketChannel socket, long[] bitmap, int pages)
            throws IOException, VmException, NetworkProgrammingException, InterruptedException, FailedAtDestination {
        run.phase = MigrationPhase.SWITCHOVER;
        run.t0 = System.nanoTime();
        run.stunNanos = run.out.stun().toNanos();
        run.t1 = System.nanoTime();
        CompletableFuture<int[]> crcs = CompletableFuture.supplyAsync(() -> Pages.crcs(run.out.memory()), r -> {
            Thread th = new Thread(r, "vstack-migration-" + run.id + "-digest");
            th.setDaemon(true);
            th.start();
        });
        long dirty = run.out.harvestDirty(bitmap);
        run.syncs++;
        run.stream.barrier(Long.MAX_VALUE);
        long missing = PageBitmaps.count(bitmap);
        run.finalPages = missing;
        main.write(Wire.SWITCHOVER, ByteBuffer.allocate(16).putLong(0, run.t0).putLong(8, missing * Pages.SIZE));
        main.write(Wire.CPU_STATE, run.out.saveCpuState());
        ByteBuffer device = ByteBuffer.allocate(64 * 1024);
        Wire.putString(device, "disks=" + String.join(",", run.out.spec().disks()));
        main.write(Wire.DEVICE_STATE, device.flip());
        long tDevices = System.nanoTime();
        List<String> disks = run.out.spec().disks();
        if (!disks.isEmpty()) {
            Optional<DiskOwnership> ownership = run.context.diskOwnership();
            if (ownership.isPresent()) {
                ownership.get().handOver(run.vmId, disks, run.source, run.destination);
                run.handedOver = true;
                run.diskNote = "handed over to " + run.destination;
            } else {
                run.diskNote = "not transferred: no DiskOwnership service registered";
            }
        }
        long tDisks = System.nanoTime();
        for (NetworkProgrammer p : run.prepared) {
            p.reprogram(event);
        }
        long tNet = System.nanoTime();
        main.write(Wire.PC_DISCARD, Wire.encodeBitmap(bitmap, pages));
        main.write(Wire.PC_RUN, ByteBuffer.allocate(1).put(0, (byte) (run.out.wasRunning() ? 1 : 0)));
        run.t2 = System.nanoTime();
        switchedAt = run.t2;
        run.pendingBytes = missing * Pages.SIZE;
        run.timings.put("finalDirtyPages", dirty);
        run.timings.put("postcopyMissingPages", missing);
        run.timings.put("deviceStateNanos", tDevices - run.t1);
        run.timings.put("diskOwnershipNanos", tDisks - tDevices);
        run.timings.put("networkReprogramNanos", tNet - tDisks);
        boolean resumed;
        List<long[]> early = new java.util.ArrayList<>();
        try {
            FrameReader.Frame answer = reply.read();
            while (answer.type() == Wire.PAGE_REQ) {
                early.add(Wire.decodePageRequest(answer.payload(), pages)); // a vCPU faulted before RESUMED reached us
                answer = reply.read();
            }
            if (answer.type() == Wire.ERROR) {
                throw new IOException("destination " + run.destination + " refused to start the VM: " + Wire.getString(answer.payload()));
            }
            if (answer.type() != Wire.RESUMED) {
                throw new ProtocolException("expected RESUMED from " + run.destination + ", got " + Wire.typeName(answer.type()));
            }
            run.t4 = answer.payload().getLong(0);
            resumed = true;
        } catch (ProtocolException e) {
            throw e;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("refused to start")) {
                throw e;
            }
            LOG.info("Migration {}: connection broke before RESUMED ({}); recovery decides whether {} runs the VM", run.id,
                    e.getMessage(), run.destination);
            resumed = false;
        }
        run.phase = MigrationPhase.POSTCOPY;
        PostcopySource s = new PostcopySource(run.id, run.out.memory(), bitmap, run.wire, connector, () -> {
            try {
                return Pages.digest(crcs.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted computing the digest");
            } catch (ExecutionException e) {
                throw new IOException("digest failed: " + e.getCause(), e);
            }
        }, run.params.maxPostcopyBandwidth());
        early.forEach(s::requestedEarly);
        source = s;
        try {
            s.run(socket, main, reply, resumed);
        } catch (InterruptedException | java.nio.channels.ClosedByInterruptException e) {
            Thread.currentThread().interrupt();
            throw new FailedAtDestination("post-copy abandoned (shutdown) with " + s.pendingPages() + " pages still at "
                    + run.source);
        }
        Wire.Verified v = s.verified();
        run.timings.put("postcopyNanos", System.nanoTime() - run.t2);
        // The VM runs at the destination: the source's copy goes, whatever the verdict.
        run.out.complete();
        for (NetworkProgrammer p : run.prepared) {
            try {
                p.complete(event);
            } catch (NetworkProgrammingException e) {
                LOG.warn("network programmer {} could not clean up after migration {}: {}", p.name(), run.id, e.getMessage());
            }
        }
        if (!v.digestMatches()) {
            throw new FailedAtDestination("post-copy ended but the destination reports: " + v.message());
        }
        run.digestVerified = true;
    }
}
