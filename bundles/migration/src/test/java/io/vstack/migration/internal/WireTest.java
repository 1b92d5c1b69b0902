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

/** The frame codec: round trip, CRC, sequence and length checks, PAGES frames with per-page CRCs, preamble version. */
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
        byte[] big = new byte[3 * 4096 + 100];
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

    /** A PAGES frame of pages 3 (data), 7 (zero) and 9 (data) at generation 5. */
    private static byte[] pagesFrame() throws IOException {
        Sink sink = new Sink();
        writePagesFrame(new FrameWriter(sink, new AtomicLong()));
        return sink.bytes.toByteArray();
    }

    private static void writePagesFrame(FrameWriter writer) throws IOException {
        PagesFrame frame = new PagesFrame(Wire.PAGES_PER_FRAME);
        ByteBuffer data = ByteBuffer.allocate(4096);
        new Random(3).nextBytes(data.array());
        frame.add(3, data.duplicate(), false);
        frame.add(7, ByteBuffer.allocate(4096), true);
        frame.add(9, data.duplicate(), false);
        frame.send(writer, 5);
        assertTrue(frame.isEmpty(), "sending clears the frame");
    }

    private static String decode(byte[] wire) throws IOException {
        StringBuilder seen = new StringBuilder();
        FrameReader.Frame f = new FrameReader(source(wire), "peer x", new AtomicLong()).read();
        PagesFrame.decode(f.payload(), 16, new java.util.zip.CRC32C(), (pfn, gen, bytes, crc) -> seen.append(pfn).append('@')
                .append(gen).append(bytes == null ? "z" : "d" + bytes.remaining()).append(crc == Pages.crc(new java.util.zip.CRC32C(),
                        bytes == null ? ByteBuffer.allocate(4096) : bytes.duplicate()) ? " " : "!"));
        return seen.toString();
    }

    @Test
    void pagesFramesCarryEachPagesCrcAndCheckItOnArrival() throws IOException {
        byte[] good = pagesFrame();
        assertEquals(Wire.HEADER_BYTES + PagesFrame.HEAD + 3 * PagesFrame.ENTRY + 2 * 4096, good.length, "no bytes for the zero page");
        assertEquals("3@5d4096 7@5z 9@5d4096 ", decode(good));
        byte[] badPage = good.clone();
        badPage[badPage.length - 100] ^= 0x04; // in page 9's bytes: outside the frame CRC, inside the page's
        ProtocolException page = assertThrows(ProtocolException.class, () -> decode(badPage));
        assertTrue(page.getMessage().startsWith("corrupt page 9: CRC mismatch"), page.getMessage());
        byte[] badEntry = good.clone();
        badEntry[Wire.HEADER_BYTES + PagesFrame.HEAD + 3] ^= 0x01; // page 3's pfn, in the directory
        ProtocolException entry = assertThrows(ProtocolException.class, () -> decode(badEntry));
        assertTrue(entry.getMessage().startsWith("corrupt frame from peer x: CRC mismatch"), entry.getMessage());
    }

    /** The same bytes on a pipe, whose source end reads with scattering reads. */
    private static ReadableByteChannel pipe(byte[] bytes) throws IOException {
        java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            pipe.sink().write(b);
        }
        pipe.sink().close();
        return pipe.source();
    }

    /** Receives the one PAGES frame of {@code wire} straight into 16 pages of 0xFF; returns what was applied, then the next frame's type. */
    private static String receiveInPlace(ReadableByteChannel wire, ByteBuffer[] memory) throws IOException {
        for (int i = 0; i < memory.length; i++) {
            memory[i] = ByteBuffer.allocateDirect(4096);
            while (memory[i].hasRemaining()) {
                memory[i].put((byte) 0xFF);
            }
        }
        FrameReader r = new FrameReader(wire, "peer y", new AtomicLong());
        r.splitPages(true);
        FrameReader.Frame f = r.read();
        assertEquals(2 * 4096, r.unreadPageBytes(), "the page bytes stay on the channel");
        StringBuilder seen = new StringBuilder();
        PagesFrame.receive(f.payload(), memory.length, r, new java.util.zip.CRC32C(), new ByteBuffer[Wire.PAGES_PER_FRAME],
                new PagesFrame.Target() {
                    @Override
                    public ByteBuffer page(int pfn) {
                        return memory[pfn].duplicate().clear();
                    }

                    @Override
                    public void applied(int pfn, int gen, int crc) {
                        seen.append(pfn).append('@').append(gen).append(crc == Pages.crc(new java.util.zip.CRC32C(), memory[pfn].duplicate().clear())
                                ? " " : "!");
                    }
                });
        return seen.append(Wire.typeName(r.read().type())).toString();
    }

    @Test
    void pagesReadStraightIntoGuestMemoryAreCheckedWhereTheyLanded() throws IOException {
        byte[] frame = pagesFrame();
        Sink wire = new Sink();
        FrameWriter writer = new FrameWriter(wire, new AtomicLong());
        writePagesFrame(writer);
        writer.write(Wire.COMPLETE, new byte[0]); // the reader must be at its header after the pages
        for (boolean scattering : new boolean[] {false, true}) {
            ByteBuffer[] memory = new ByteBuffer[16];
            byte[] bytes = wire.bytes.toByteArray();
            assertEquals("3@5 7@5 9@5 COMPLETE", receiveInPlace(scattering ? pipe(bytes) : source(bytes), memory));
            ByteBuffer data = ByteBuffer.wrap(frame, frame.length - 2 * 4096, 4096);
            assertEquals(data, memory[3].duplicate().clear(), "page 3 holds its bytes");
            assertEquals(data, memory[9].duplicate().clear(), "page 9 holds its bytes");
            assertEquals(ByteBuffer.allocate(4096), memory[7].duplicate().clear(), "the zero page was zeroed");
            assertEquals((byte) 0xFF, memory[4].get(0), "no other page was touched");
        }
        byte[] badPage = wire.bytes.toByteArray();
        badPage[frame.length - 100] ^= 0x04; // in page 9's bytes
        ProtocolException page = assertThrows(ProtocolException.class, () -> receiveInPlace(source(badPage), new ByteBuffer[16]));
        assertTrue(page.getMessage().startsWith("corrupt page 9: CRC mismatch"), page.getMessage());
    }

    @Test
    void aPagesFrameOutsideTheVmOrWithAForeignFlagIsRefused() throws IOException {
        byte[] good = pagesFrame();
        StringBuilder none = new StringBuilder();
        FrameReader.Frame f = new FrameReader(source(good), "p", new AtomicLong()).read();
        ProtocolException outside = assertThrows(ProtocolException.class,
                () -> PagesFrame.decode(f.payload(), 8, new java.util.zip.CRC32C(), (pfn, gen, bytes, crc) -> none.append(pfn)));
        assertEquals("malformed page record (pfn 9, encoding 0)", outside.getMessage());
        // Only PAGES frames may checksum part of their payload: a CPU_STATE frame whose CRC covers 0 of its 100 bytes.
        ByteBuffer flagged = ByteBuffer.allocate(Wire.HEADER_BYTES + 100);
        flagged.put((byte) Wire.CPU_STATE).put((byte) Wire.FLAG_HEAD_CRC).putShort((short) 0).putInt(100).putLong(0);
        java.util.zip.CRC32C headerCrc = new java.util.zip.CRC32C();
        headerCrc.update(flagged.array(), 0, 16);
        flagged.putInt((int) headerCrc.getValue());
        ProtocolException flag = assertThrows(ProtocolException.class, () -> new FrameReader(source(flagged.array()), "p", new AtomicLong()).read());
        assertTrue(flag.getMessage().startsWith("corrupt frame from p: flags 0x1 on CPU_STATE"), flag.getMessage());
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
        Wire.writePreamble(sink, 1, Wire.ROLE_MAIN, 0, 0, id);
        ProtocolException e = assertThrows(ProtocolException.class, () -> Wire.readPreamble(source(sink.bytes.toByteArray()), "destination esx2"));
        assertEquals("destination esx2 speaks migration protocol version 1, this host speaks 2", e.getMessage());
        Sink ok = new Sink();
        Wire.writePreamble(ok, Wire.VERSION, Wire.ROLE_MULTIFD, 3, Wire.CAP_FULL_DIGEST, id);
        Wire.Preamble p = Wire.readPreamble(source(ok.bytes.toByteArray()), "x");
        assertEquals(new Wire.Preamble(Wire.VERSION, Wire.ROLE_MULTIFD, 3, Wire.CAP_FULL_DIGEST, id), p);
        byte[] http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n1234567890".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(assertThrows(ProtocolException.class, () -> Wire.readPreamble(source(http), "peer")).getMessage()
                .startsWith("peer does not speak the vstack migration protocol"));
    }

    @Test
    void postcopyFramesRoundTripAndMalformedOnesAreRefused() throws IOException {
        long[] bits = {0x8000_0000_0000_0001L, -1L, 0x7L};
        long[] back = Wire.decodeBitmap(Wire.encodeBitmap(bits, 130), 130);
        assertEquals(java.util.List.of(0x8000_0000_0000_0001L, -1L, 0x3L),
                java.util.Arrays.stream(back).boxed().toList(), "bits past the last page are cleared");
        assertEquals("malformed page bitmap (28 bytes, expected 200 pages)",
                assertThrows(ProtocolException.class, () -> Wire.decodeBitmap(Wire.encodeBitmap(bits, 130), 200)).getMessage());
        long[] req = Wire.decodePageRequest(Wire.encodePageRequest(new long[] {9, 5, 77, 3}, 1, 2), 100);
        assertEquals(java.util.List.of(5L, 77L), java.util.Arrays.stream(req).boxed().toList());
        assertEquals("page request for page 77 outside the VM's 50 pages",
                assertThrows(ProtocolException.class, () -> Wire.decodePageRequest(Wire.encodePageRequest(new long[] {77}, 0, 1), 50))
                        .getMessage());
        ByteBuffer truncated = Wire.encodePageRequest(new long[] {1, 2}, 0, 2);
        truncated.limit(truncated.limit() - 1);
        assertTrue(assertThrows(ProtocolException.class, () -> Wire.decodePageRequest(truncated, 50)).getMessage()
                .startsWith("malformed page request"));
        Wire.Verified v = new Wire.Verified(false, 12, 150_000, 900_000, 1_200_000, "3 pages never arrived");
        assertEquals(v, Wire.decodeVerified(Wire.encodeVerified(v)));
        // And through a real frame: a flipped bit in a PAGE_REQ is a CRC error, not a request for another page.
        Sink sink = new Sink();
        new FrameWriter(sink, new AtomicLong()).write(Wire.PAGE_REQ, Wire.encodePageRequest(new long[] {42}, 0, 1));
        byte[] bytes = sink.bytes.toByteArray();
        bytes[Wire.HEADER_BYTES + 11] ^= 0x01;
        assertTrue(assertThrows(ProtocolException.class, () -> new FrameReader(source(bytes), "destination", new AtomicLong()).read())
                .getMessage().startsWith("corrupt frame from destination: CRC mismatch in frame 0 (PAGE_REQ"));
    }
}
