package io.vstack.migration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The frame codec: round trip, CRC, sequence and length checks, preamble version. */
class WireTest {

    /** A gathering channel over a byte array. */
    private static final class Sink implements java.nio.channels.GatheringByteChannel {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final WritableByteChannel ch = Channels.newChannel(bytes);

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += ch.write(srcs[i]);
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return ch.write(src);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static ReadableByteChannel source(byte[] bytes) {
        return Channels.newChannel(new java.io.ByteArrayInputStream(bytes));
    }

    @Test
    void framesRoundTripWithTheirTypesAndPayloads() throws IOException {
        Sink sink = new Sink();
        FrameWriter w = new FrameWriter(sink, new AtomicLong());
        byte[] big = new byte[Wire.PAGES_HEADER + 3 * (Wire.ENTRY_HEADER + 4096)];
        new Random(1).nextBytes(big);
        w.write(Wire.HELLO, new byte[] {1, 2, 3});
        w.write(Wire.PAGES, big);
        w.write(Wire.COMPLETE, new byte[0]);
        AtomicLong read = new AtomicLong();
        FrameReader r = new FrameReader(source(sink.bytes.toByteArray()), "test", read);
        FrameReader.Frame f1 = r.read();
        assertEquals(Wire.HELLO, f1.type());
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), f1.payload());
        FrameReader.Frame f2 = r.read();
        assertEquals(Wire.PAGES, f2.type());
        assertEquals(ByteBuffer.wrap(big), f2.payload());
        assertEquals(Wire.COMPLETE, r.read().type());
        assertEquals(sink.bytes.size(), read.get());
    }

    @Test
    void aFlippedBitInPayloadOrHeaderIsACrcError() throws IOException {
        Sink sink = new Sink();
        new FrameWriter(sink, new AtomicLong()).write(Wire.CPU_STATE, new byte[100]);
        byte[] good = sink.bytes.toByteArray();
        for (int at : new int[] {Wire.HEADER_BYTES + 50, 1}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x10;
            ProtocolException e = assertThrows(ProtocolException.class, () -> new FrameReader(source(bad), "peer x", new AtomicLong()).read());
            assertTrue(e.getMessage().startsWith("corrupt frame from peer x: CRC mismatch"), e.getMessage());
        }
    }

    @Test
    void aSkippedFrameIsASequenceErrorAndAHugeLengthIsRefused() throws IOException {
        Sink sink = new Sink();
        FrameWriter w = new FrameWriter(sink, new AtomicLong());
        w.write(Wire.ITER_END, new byte[8]);
        int first = sink.bytes.size();
        w.write(Wire.ITER_END, new byte[8]);
        byte[] second = java.util.Arrays.copyOfRange(sink.bytes.toByteArray(), first, sink.bytes.size());
        ProtocolException seq = assertThrows(ProtocolException.class, () -> new FrameReader(source(second), "p", new AtomicLong()).read());
        assertEquals("corrupt frame from p: sequence 1, expected 0", seq.getMessage());
        byte[] huge = new byte[Wire.HEADER_BYTES];
        ByteBuffer.wrap(huge).put(0, (byte) Wire.PAGES).putInt(4, Integer.MAX_VALUE);
        ProtocolException len = assertThrows(ProtocolException.class, () -> new FrameReader(source(huge), "p", new AtomicLong()).read());
        assertTrue(len.getMessage().contains("length"), len.getMessage());
    }

    @Test
    void aPeerOfAnotherVersionIsNamedInOneLine() throws IOException {
        Sink sink = new Sink();
        UUID id = UUID.randomUUID();
        Wire.writePreamble(sink, 2, Wire.ROLE_MAIN, 0, 0, id);
        ProtocolException e = assertThrows(ProtocolException.class, () -> Wire.readPreamble(source(sink.bytes.toByteArray()), "destination esx2"));
        assertEquals("destination esx2 speaks migration protocol version 2, this host speaks 1", e.getMessage());
        Sink ok = new Sink();
        Wire.writePreamble(ok, Wire.VERSION, Wire.ROLE_MULTIFD, 3, Wire.CAP_FULL_DIGEST, id);
        Wire.Preamble p = Wire.readPreamble(source(ok.bytes.toByteArray()), "x");
        assertEquals(new Wire.Preamble(1, Wire.ROLE_MULTIFD, 3, Wire.CAP_FULL_DIGEST, id), p);
        byte[] http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n1234567890".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(assertThrows(ProtocolException.class, () -> Wire.readPreamble(source(http), "peer")).getMessage()
                .startsWith("peer does not speak the vstack migration protocol"));
    }
}
