package io.vstack.network.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The vNIC's triggers and thresholds on a clock the test moves; counts, never timings. */
class VnicTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private void advanceMicros(long us) {
        clock.addAndGet(TimeUnit.MICROSECONDS.toNanos(us));
    }

    private Vnic vnic(String vm, int ring, Coalescing c) {
        Vnic v = new Vnic(vm, ring, clock::get);
        v.configure(c);
        return v;
    }

    private static Frame frame(Vnic from, Vnic to, long seq) {
        byte[] p = new byte[50];
        ByteBuffer.wrap(p).putLong(seq);
        return new Frame(to.mac(), from.mac(), Frame.ETHERTYPE_TEST, p);
    }

    @Test
    void theTxDoorbellWaitsForTxFrames() {
        Vnic a = vnic("a", 64, new Coalescing(64, 32, 1000, 4, false, false));
        for (int i = 0; i < 3; i++) {
            assertTrue(a.transmit(frame(a, a, i)));
        }
        assertEquals(0, a.stats().doorbells());
        a.transmit(frame(a, a, 3));
        assertEquals(1, a.stats().doorbells());
        a.transmit(frame(a, a, 4));
        assertEquals(1, a.stats().doorbells(), "the count starts again after a doorbell");
    }

    @Test
    void theTxTimerRingsWhenTheOldestPendingFrameHasWaitedTxUsecs() {
        Vnic a = vnic("a", 64, new Coalescing(64, 32, 150, 100, false, false));
        a.transmit(frame(a, a, 0));
        advanceMicros(100);
        a.transmit(frame(a, a, 1));
        advanceMicros(49);
        long deadline = a.txTimer();
        assertEquals(0, a.stats().doorbells());
        assertEquals(TimeUnit.MICROSECONDS.toNanos(1), deadline - clock.get(), "the deadline counts from the oldest frame");
        advanceMicros(1);
        assertEquals(-1, a.txTimer());
        assertEquals(1, a.stats().doorbells());
        assertEquals(-1, a.txTimer(), "nothing pending, no timer");
    }

    @Test
    void framesTheHostAlreadyPolledNeedNoTimerDoorbell() {
        Vnic a = vnic("a", 64, new Coalescing(64, 32, 150, 100, false, false));
        a.transmit(frame(a, a, 0));
        assertEquals(1, a.drainTx(f -> true));
        advanceMicros(150);
        assertEquals(-1, a.txTimer());
        assertEquals(0, a.stats().doorbells());
    }

    @Test
    void aThreeQuartersFullTxRingRingsTheDoorbell() {
        Vnic a = vnic("a", 16, new Coalescing(64, 32, 100_000, 1000, false, false));
        for (int i = 0; i < 11; i++) {
            a.transmit(frame(a, a, i));
        }
        assertEquals(0, a.stats().doorbells());
        a.transmit(frame(a, a, 11));
        assertEquals(1, a.stats().doorbells());
    }

    @Test
    void offRingsForEveryFrameAndAFullRingRefuses() {
        Vnic a = vnic("a", 4, new Coalescing(64, 32, 150, 256, false, true));
        for (int i = 0; i < 4; i++) {
            assertTrue(a.transmit(frame(a, a, i)));
        }
        assertEquals(4, a.stats().doorbells());
        assertFalse(a.transmit(frame(a, a, 4)));
        assertEquals(4, a.stats().doorbells(), "a full ring with nothing new pending does not ring again");
    }

    @Test
    void theRxInterruptWaitsForRxFramesThenNapiReenablesIt() {
        Vnic b = vnic("b", 64, new Coalescing(1000, 4, 150, 256, false, false));
        List<Frame> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            b.deliver(frame(b, b, i));
            b.rxCheck();
        }
        assertEquals(0, b.stats().interrupts());
        b.deliver(frame(b, b, 3));
        assertEquals(-1, b.rxCheck());
        assertEquals(1, b.stats().interrupts());
        for (int i = 4; i < 10; i++) {
            b.deliver(frame(b, b, i));
            b.rxCheck();
        }
        assertEquals(1, b.stats().interrupts(), "no interrupt while the guest polls");
        assertEquals(10, b.napiPoll(64, got::add));
        assertTrue(b.interruptEnabled());
        for (int i = 0; i < 10; i++) {
            assertEquals(i, ByteBuffer.wrap(got.get(i).payload()).getLong());
        }
    }

    @Test
    void theRxInterruptComesWhenTheFirstFrameHasWaitedRxUsecs() {
        Vnic b = vnic("b", 64, new Coalescing(64, 32, 150, 256, false, false));
        b.deliver(frame(b, b, 0));
        advanceMicros(63);
        assertEquals(TimeUnit.MICROSECONDS.toNanos(1), b.rxCheck() - clock.get());
        assertEquals(0, b.stats().interrupts());
        advanceMicros(1);
        b.rxCheck();
        assertEquals(1, b.stats().interrupts());
    }

    @Test
    void napiTakesAtMost64PerRoundAndKeepsTheInterruptOffUntilARoundIsShort() {
        Vnic b = vnic("b", 128, new Coalescing(0, 1, 150, 256, false, false));
        for (int i = 0; i < 100; i++) {
            b.deliver(frame(b, b, i));
        }
        b.rxCheck();
        assertEquals(64, b.napiPoll(300, f -> { }));
        assertFalse(b.interruptEnabled());
        assertEquals(36, b.napiPoll(300, f -> { }));
        assertTrue(b.interruptEnabled());
    }

    @Test
    void adaptiveClustersOnlyAbove120PacketsIn120Ms() {
        Vnic a = vnic("a", 1024, new Coalescing(64, 32, 150, 32, true, false));
        Vnic b = vnic("b", 1024, Coalescing.DEFAULT);
        VnicSwitch sw = new VnicSwitch("h", clock::get);
        sw.attach(a);
        sw.attach(b);
        for (int i = 0; i < 120; i++) {
            a.transmit(frame(a, b, i));
            sw.pollOnce();
        }
        assertFalse(a.clustering());
        assertEquals(120, a.stats().doorbells(), "below the rate every frame rings");
        a.transmit(frame(a, b, 120));
        sw.pollOnce();
        assertTrue(a.clustering(), "the 121st packet in the window switches clustering on");
        long before = a.stats().doorbells();
        for (int i = 0; i < 31; i++) {
            a.transmit(frame(a, b, 121 + i));
        }
        assertEquals(before, a.stats().doorbells());
        advanceMicros(120_000);
        sw.pollOnce();
        assertTrue(a.clustering(), "the closing window had more than 120 packets");
        advanceMicros(120_000);
        sw.pollOnce();
        assertFalse(a.clustering(), "a quiet window switches clustering off");
    }

    @Test
    void clusteringNeedsAtLeastTenTimesFewerNotificationsPerPacketThanOffInTheSameRun() {
        long off = notifications(new Coalescing(64, 32, 150, 256, false, true));
        long on = notifications(Coalescing.DEFAULT);
        assertTrue(on * 10 <= off, "clustered " + on + " vs off " + off + " doorbells+interrupts for 2000 frames");
    }

    /** Sends 2000 frames a→b, 1 µs apart, through a switch polled after every frame; all arrive in order. */
    private long notifications(Coalescing c) {
        Vnic a = vnic("a", 1024, c);
        Vnic b = vnic("b", 1024, c);
        VnicSwitch sw = new VnicSwitch("h", clock::get);
        sw.attach(a);
        sw.attach(b);
        boolean[] irq = new boolean[1];
        b.onInterrupt(() -> irq[0] = true);
        List<Long> got = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            assertTrue(a.transmit(frame(a, b, i)));
            advanceMicros(1);
            sw.pollOnce();
            if (irq[0]) {
                irq[0] = false;
                while (b.napiPoll(64, f -> got.add(ByteBuffer.wrap(f.payload()).getLong())) == 64) {
                    continue;
                }
            }
        }
        for (int i = 0; i < 1000 && got.size() < 2000; i++) {
            advanceMicros(100);
            sw.pollOnce();
            b.napiPoll(64, f -> got.add(ByteBuffer.wrap(f.payload()).getLong()));
        }
        assertEquals(2000, got.size());
        for (int i = 0; i < 2000; i++) {
            assertEquals(i, got.get(i));
        }
        assertEquals(2000, sw.forwarded());
        return a.stats().doorbells() + b.stats().interrupts();
    }

    @Test
    void aFullRxRingHoldsFramesOnTheTxRingUntilTheGuestMakesRoom() {
        Vnic a = vnic("a", 16, Coalescing.DEFAULT);
        Vnic b = vnic("b", 4, Coalescing.DEFAULT);
        VnicSwitch sw = new VnicSwitch("h", clock::get);
        sw.attach(a);
        sw.attach(b);
        for (int i = 0; i < 6; i++) {
            a.transmit(frame(a, b, i));
        }
        sw.pollOnce();
        assertEquals(4, b.stats().rxQueued());
        assertEquals(2, a.stats().txQueued());
        assertEquals(1, b.stats().rxFull());
        assertEquals(4, b.napiPoll(64, f -> { }));
        sw.pollOnce();
        assertEquals(2, b.napiPoll(64, f -> { }));
        assertEquals(6, sw.forwarded());
        Frame stray = new Frame(Frame.macOf("nobody"), a.mac(), Frame.ETHERTYPE_TEST, new byte[1]);
        a.transmit(stray);
        sw.pollOnce();
        assertEquals(1, sw.unknownDestination());
    }

    @Test
    void realThreadsCarryEveryFrameInOrderThroughThePoller() throws Exception {
        Vnic a = new Vnic("a", 256, System::nanoTime);
        Vnic b = new Vnic("b", 256, System::nanoTime);
        VnicSwitch sw = new VnicSwitch("h", System::nanoTime);
        sw.attach(a);
        sw.attach(b);
        sw.start();
        try {
            TrafficResult r = VnicTraffic.run(a, b, 0, 64, 0.3);
            assertTrue(r.sent() > 0);
            assertEquals(r.sent(), r.received());
            assertEquals(0, r.outOfOrder());
            assertEquals(0, r.lost());
        } finally {
            sw.stop();
        }
    }
}
