package io.vstack.network.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FrameRingTest {

    private static Frame frame(long seq, int payloadBytes) {
        byte[] p = new byte[payloadBytes];
        ByteBuffer.wrap(p).putLong(seq);
        for (int i = 8; i < p.length; i++) {
            p[i] = (byte) (seq * 31 + i);
        }
        return new Frame(Frame.macOf("b"), Frame.macOf("a"), Frame.ETHERTYPE_TEST, p);
    }

    @Test
    void aFrameComesOutByteForByteWithItsHeader() {
        FrameRing ring = new FrameRing(4);
        Frame f = new Frame(0x0200_0000_00ABL, 0x0200_0000_00CDL, 0x0800, new byte[] {1, 2, 3});
        assertTrue(ring.offer(f));
        Frame back = ring.poll();
        assertEquals(f, back);
        assertEquals(0x0800, back.ethertype());
        assertEquals("02:00:00:00:00:ab", Frame.macText(back.dst()));
        assertNull(ring.poll());
    }

    @Test
    void aFullRingRefusesAndWrapsAroundInOrderManyTimes() {
        FrameRing ring = new FrameRing(8);
        long next = 0;
        long expected = 0;
        for (int round = 0; round < 50; round++) {
            while (ring.offer(frame(next, 64))) {
                next++;
            }
            assertEquals(8, ring.size());
            assertFalse(ring.offer(frame(next, 64)));
            for (int i = 0; i < 5; i++) {
                assertEquals(frame(expected++, 64), ring.poll());
            }
        }
        while (ring.size() > 0) {
            assertEquals(frame(expected++, 64), ring.poll());
        }
        assertEquals(next, expected);
        assertTrue(next > 8 * 20, "the indices wrapped around the ring many times");
    }

    @Test
    void maximumSizeFramesFitAndLargerAreRefused() {
        FrameRing ring = new FrameRing(2);
        assertTrue(ring.offer(frame(1, Frame.MAX_PAYLOAD)));
        assertEquals(Frame.MAX_PAYLOAD, ring.poll().payload().length);
        assertThrows(IllegalArgumentException.class, () -> frame(2, Frame.MAX_PAYLOAD + 1));
        assertThrows(IllegalArgumentException.class, () -> new FrameRing(3));
    }

    @Test
    void aConcurrentProducerAndConsumerLoseAndDuplicateNothing() throws Exception {
        FrameRing ring = new FrameRing(16);
        int total = 50_000;
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            for (long seq = 0; seq < total; ) {
                if (ring.offer(frame(seq, 16 + (int) (seq % 200)))) {
                    seq++;
                } else {
                    Thread.onSpinWait();
                }
            }
        });
        long expected = 0;
        while (expected < total) {
            Frame f = ring.poll();
            if (f == null) {
                Thread.onSpinWait();
                continue;
            }
            assertEquals(frame(expected, 16 + (int) (expected % 200)), f);
            expected++;
        }
        producer.get(30, TimeUnit.SECONDS);
        assertNull(ring.poll());
        assertEquals(0, ring.size());
    }
}
