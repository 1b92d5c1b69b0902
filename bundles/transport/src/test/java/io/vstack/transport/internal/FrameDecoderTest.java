package io.vstack.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.transport.internal.FrameDecoder.FrameError;
import io.vstack.transport.internal.Frames.Frame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Framing: frames survive any cut of the stream; corrupt, malformed and oversized frames are named. */
class FrameDecoderTest {

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodesFramesFedOneByteAtATime() throws FrameError {
        ByteBuffer a = Frames.encode(Frames.REQUEST, 0, 7, "disk-owner", bytes("hello"));
        ByteBuffer b = Frames.encode(Frames.REPLY, 0, 7, null, bytes(""));
        ByteBuffer c = Frames.error(9, Frames.E_BUSY, "busy\nnow");
        ByteBuffer stream = ByteBuffer.allocate(a.remaining() + b.remaining() + c.remaining()).put(a).put(b).put(c).flip();
        FrameDecoder decoder = new FrameDecoder(1024);
        List<Frame> frames = new ArrayList<>();
        while (stream.hasRemaining()) {
            ByteBuffer one = stream.slice().limit(1);
            stream.position(stream.position() + 1);
            Frame f = decoder.next(one);
            assertFalse(one.hasRemaining());
            if (f != null) {
                frames.add(f);
                assertFalse(decoder.midFrame());
            }
        }
        assertEquals(3, frames.size());
        assertEquals("disk-owner", frames.get(0).protocol());
        assertEquals(7, frames.get(0).id());
        assertEquals("hello", StandardCharsets.UTF_8.decode(frames.get(0).payload()).toString());
        assertEquals(Frames.REPLY, frames.get(1).type());
        assertEquals(0, frames.get(1).payload().remaining());
        assertEquals(Frames.E_BUSY, frames.get(2).code());
        assertEquals("busy now", StandardCharsets.UTF_8.decode(frames.get(2).payload()).toString());
    }

    @Test
    void aFlippedBitIsACrcErrorAndTheNextFrameStillDecodes() throws FrameError {
        ByteBuffer bad = Frames.encode(Frames.REQUEST, 0, 3, "p", bytes("payload"));
        bad.put(bad.limit() - 1, (byte) (bad.get(bad.limit() - 1) ^ 0x10));
        ByteBuffer good = Frames.encode(Frames.REQUEST, 0, 4, "p", bytes("payload"));
        ByteBuffer stream = ByteBuffer.allocate(bad.remaining() + good.remaining()).put(bad).put(good).flip();
        FrameDecoder decoder = new FrameDecoder(1024);
        FrameError e = assertThrows(FrameError.class, () -> decoder.next(stream));
        assertEquals(Frames.E_CORRUPT, e.code);
        assertEquals(3, e.id);
        assertFalse(e.fatal);
        assertEquals(4, decoder.next(stream).id());
    }

    @Test
    void aLengthBeyondTheBoundIsFatal() {
        ByteBuffer big = Frames.encode(Frames.REQUEST, 0, 5, "p", ByteBuffer.allocate(2000));
        FrameError e = assertThrows(FrameError.class, () -> new FrameDecoder(1024).next(big));
        assertTrue(e.fatal);
        assertEquals(Frames.E_MALFORMED, e.code);
        assertTrue(e.getMessage().contains("2000"), e.getMessage());
    }

    @Test
    void aRequestWithoutAProtocolOrAnUnknownTypeIsMalformedButSkipped() throws FrameError {
        FrameDecoder decoder = new FrameDecoder(1024);
        FrameError noName = assertThrows(FrameError.class, () -> decoder.next(Frames.encode(Frames.REQUEST, 0, 1, null, bytes("x"))));
        assertEquals(Frames.E_MALFORMED, noName.code);
        assertFalse(noName.fatal);
        FrameError type = assertThrows(FrameError.class, () -> decoder.next(Frames.encode(9, 0, 2, null, bytes("x"))));
        assertEquals(Frames.E_MALFORMED, type.code);
        FrameError zero = assertThrows(FrameError.class, () -> decoder.next(Frames.encode(Frames.REQUEST, 0, 0, "p", bytes("x"))));
        assertEquals(Frames.E_MALFORMED, zero.code);
        assertEquals(2, decoder.next(Frames.encode(Frames.REPLY, 0, 2, null, bytes("ok"))).id());
    }

    @Test
    void aTruncatedFrameStaysMidFrame() throws FrameError {
        ByteBuffer frame = Frames.encode(Frames.REQUEST, 0, 1, "p", bytes("0123456789"));
        FrameDecoder decoder = new FrameDecoder(1024);
        assertNull(decoder.next(frame.slice().limit(frame.remaining() - 3)));
        assertTrue(decoder.midFrame());
    }
}
