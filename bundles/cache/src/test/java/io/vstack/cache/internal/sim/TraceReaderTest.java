package io.vstack.cache.internal.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class TraceReaderTest {

    @TempDir
    Path dir;

    private static byte[] bigEndian(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4);
        for (int v : values) {
            buffer.putInt(v);
        }
        return buffer.array();
    }

    private static byte[] xz(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new XZOutputStream(bytes, new LZMA2Options())) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void readsXzBigEndianUnsignedAndSigned() throws IOException {
        Path file = write("a.trace.xz", xz(bigEndian(1, 2, -1, 0x7fffffff)));
        assertArrayEquals(new long[] {1, 2, 0xFFFFFFFFL, 0x7fffffff}, TraceReader.read(file, TraceFormat.AUTO));
        assertArrayEquals(new long[] {1, 2, -1, 0x7fffffff}, TraceReader.read(file, TraceFormat.S32));
    }

    @Test
    void readsGzipTextSkippingMarkersAndBlankLines() throws IOException {
        Path file = write("b.trace.gz", gzip("5\n*\n7\n\n  9 \n5\n".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(new long[] {5, 7, 9, 5}, TraceReader.read(file, TraceFormat.AUTO));
    }

    @Test
    void readsPlainText() throws IOException {
        Path file = write("c.txt", "1\n2\n3\n".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(new long[] {1, 2, 3}, TraceReader.read(file, TraceFormat.AUTO));
    }

    @Test
    void aBadLineIsReportedWithItsNumber() throws IOException {
        Path file = write("d.trace.gz", gzip("1\n2\nthree\n".getBytes(StandardCharsets.US_ASCII)));
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.read(file, TraceFormat.AUTO));
        assertTrue(e.getMessage().startsWith("d.trace.gz line 3: 'three' is not a key"), e.getMessage());
    }

    @Test
    void aTruncatedBinaryRecordIsReportedWithItsByteOffset() throws IOException {
        byte[] data = Arrays.copyOf(bigEndian(1, 2, 3), 10);
        Path file = write("e.trace.xz", xz(data));
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.read(file, TraceFormat.AUTO));
        assertEquals("e.trace.xz: truncated record at byte offset 8 (2 trailing bytes; records are 4-byte big-endian keys)",
                e.getMessage());
    }

    @Test
    void corruptXzIsOneClearError() throws IOException {
        byte[] good = xz(bigEndian(new int[5000]));
        byte[] bad = good.clone();
        for (int i = 40; i < bad.length - 40; i++) {
            bad[i] ^= 0x5A;
        }
        Path file = write("f.trace.xz", bad);
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.read(file, TraceFormat.AUTO));
        assertTrue(e.getMessage().startsWith("f.trace.xz: corrupt"), e.getMessage());
        assertTrue(e.getMessage().contains("offset"), e.getMessage());

        Path header = write("g.trace.xz", Arrays.copyOf(good, 8));
        TraceFormatException h = assertThrows(TraceFormatException.class, () -> TraceReader.read(header, TraceFormat.AUTO));
        assertTrue(h.getMessage().startsWith("g.trace.xz: corrupt"), h.getMessage());
    }

    @Test
    void binaryGarbageIsRejectedAtLineOne() throws IOException {
        Path file = write("h.bin", new byte[] {0x01, 0x02, (byte) 0xFF, 0x10});
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceReader.read(file, TraceFormat.AUTO));
        assertTrue(e.getMessage().startsWith("h.bin line 1: "), e.getMessage());
    }

    @Test
    void emptyAndMissingFilesAreErrors() throws IOException {
        Path empty = write("i.txt", new byte[0]);
        assertEquals("i.txt: no references in the trace",
                assertThrows(TraceFormatException.class, () -> TraceReader.read(empty, TraceFormat.AUTO)).getMessage());
        assertTrue(assertThrows(TraceFormatException.class, () -> TraceReader.read(dir.resolve("nope"), TraceFormat.AUTO))
                .getMessage().startsWith("No trace file "));
    }

    @Test
    void formatNamesParse() {
        assertEquals(TraceFormat.S32, TraceFormat.parse("s32"));
        assertEquals("Unknown trace format 'x'; known: auto, u32, s32, text",
                assertThrows(IllegalArgumentException.class, () -> TraceFormat.parse("x")).getMessage());
    }
}
