package io.vstack.migration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.vm.GuestMemory;
import io.vstack.api.vm.IncomingVm;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The destination side of post-copy against a scripted source over pipes. */
class PostcopyDestinationTest {

    private static final int PAGES = 64;
    private static final int LATE = 5;

    /**
     * A hybrid migration: page {@value #LATE} was pre-copied, dirtied before the stun, so it is the
     * one missing page. Its requested copy arrives on the preempt connection and is placed in the
     * guest, but the thread placing it is descheduled before it records the page's CRC; PC_END
     * arrives meanwhile. The verdict must wait for that record, not compare the pre-copy CRC.
     */
    @Test
    void theVerdictWaitsForTheCrcOfAPagePlacedByThePreemptConnection() throws Exception {
        ByteBuffer old = filled(1);
        ByteBuffer atStun = filled(2);
        CRC32C crc = new CRC32C();
        int[] crcs = new int[PAGES];
        Arrays.fill(crcs, Pages.ZERO_CRC);
        crcs[LATE] = Pages.crc(crc, old.duplicate()); // as pre-copy applied it
        int[] source = crcs.clone();
        source[LATE] = Pages.crc(crc, atStun.duplicate());
        long[] missing = {1L << LATE};
        StallingVm vm = new StallingVm();
        PostcopyDestination d = new PostcopyDestination("vm1", vm, missing, crcs);

        Pipe preempt = Pipe.open();
        CompletableFuture<Void> preemptReceiver = CompletableFuture.runAsync(() -> {
            try {
                d.receivePreempt(new FrameReader(preempt.source(), "source (preempt)", new AtomicLong()));
            } catch (ProtocolException e) {
                throw new IllegalStateException(e);
            }
        });
        PagesFrame requested = new PagesFrame(1);
        requested.add(LATE, atStun.duplicate(), false);
        requested.send(new FrameWriter(preempt.sink(), new AtomicLong()), 0);
        assertTrue(vm.placed.await(10, TimeUnit.SECONDS), "the requested page is placed in the guest");
        assertEquals(0, vm.missingPages());

        Pipe main = Pipe.open();
        Pipe returnPath = Pipe.open();
        new FrameWriter(main.sink(), new AtomicLong())
                .write(Wire.PC_END, ByteBuffer.allocate(16).putLong(0, PAGES).putLong(8, Pages.digest(source)));
        Thread receiver = new Thread(() -> {
            try {
                d.receive(new FrameReader(main.source(), "source", new AtomicLong()),
                        new FrameWriter(returnPath.sink(), new AtomicLong()));
            } catch (ProtocolException e) {
                throw new IllegalStateException(e);
            }
        }, "receiver");
        receiver.start();
        receiver.join(300); // time to read PC_END while the placer is held: no verdict may be taken on it
        vm.resume.countDown();
        FrameReader.Frame f = new FrameReader(returnPath.source(), "destination", new AtomicLong()).read();
        assertEquals(Wire.PC_VERIFIED, f.type());
        Wire.Verified v = Wire.decodeVerified(f.payload());
        assertTrue(v.digestMatches(), v.message());
        receiver.join(10_000);
        preempt.sink().close();
        preemptReceiver.get(10, TimeUnit.SECONDS);
        for (Pipe pipe : new Pipe[] {preempt, main, returnPath}) {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    private static ByteBuffer filled(long value) {
        ByteBuffer b = ByteBuffer.allocate(Pages.SIZE);
        for (int o = 0; o < Pages.SIZE; o += 8) {
            b.putLong(o, value);
        }
        return b;
    }

    /** An incoming VM whose placing thread, once the page is in place, is held until {@link #resume}. */
    private static final class StallingVm implements IncomingVm {
        final CountDownLatch placed = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);
        private final ByteBuffer[] pages = new ByteBuffer[PAGES];
        private final AtomicLong missing = new AtomicLong(1);

        StallingVm() {
            for (int i = 0; i < PAGES; i++) {
                pages[i] = ByteBuffer.allocate(Pages.SIZE);
            }
        }

        @Override
        public GuestMemory memory() {
            return new GuestMemory() {
                @Override
                public long pages() {
                    return PAGES;
                }

                @Override
                public ByteBuffer page(long pfn) {
                    return pages[(int) pfn].duplicate().clear();
                }
            };
        }

        @Override
        public boolean placePage(long pfn, ByteBuffer bytes) {
            if (pfn != LATE || missing.get() == 0) {
                return false;
            }
            pages[LATE].duplicate().clear().put(bytes.duplicate().limit(bytes.position() + Pages.SIZE));
            missing.set(0);
            placed.countDown();
            try {
                resume.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        }

        @Override
        public long missingPages() {
            return missing.get();
        }

        @Override
        public long activate(byte[] cpuState, boolean running) {
            return System.nanoTime();
        }

        @Override
        public long awaitGuestTickGap(Duration timeout) {
            return -1;
        }

        @Override
        public void abort() {
        }
    }
}
