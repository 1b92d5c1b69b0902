package io.vstack.traces.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.support.MemoryBudget;
import io.vstack.api.trace.TraceFormat;
import io.vstack.api.trace.TraceFormatException;
import io.vstack.api.trace.TraceReader;
import io.vstack.api.trace.TraceSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** The trace reader on real xz, gzip and plain files (merged from the workload's and the cache's reader tests). */
class TraceReaderImplTest {

    @TempDir
    Path dir;

    private final TraceReader reader = new TraceReaderImpl();

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

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        return bytes.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private List<Long> stream(Path file, TraceFormat format) throws IOException {
        List<Long> keys = new ArrayList<>();
        try (TraceSource source = reader.open(file, format)) {
            for (long k = source.next(); k != TraceSource.END; k = source.next()) {
                keys.add(k);
            }
            assertEquals(keys.size(), source.keys());
            assertEquals(TraceSource.END, source.next(), "END again after the end");
        }
        return keys;
    }

    @Test
    void readsXzBigEndianUnsignedAndSigned() throws IOException {
        Path file = write("a.trace.xz", xz(bigEndian(0, 1, 7, -1, 0x7fffffff)));
        assertEquals(List.of(0L, 1L, 7L, 0xffffffffL, 0x7fffffffL), stream(file, TraceFormat.U32));
        assertEquals(List.of(0L, 1L, 7L, -1L, 0x7fffffffL), stream(file, TraceFormat.S32));
        assertArrayEquals(new long[] {0, 1, 7, 0xFFFFFFFFL, 0x7fffffff}, reader.readAll(file, TraceFormat.AUTO));
        assertArrayEquals(new long[] {0, 1, 7, -1, 0x7fffffff}, reader.readAll(file, TraceFormat.S32));
        try (TraceSource source = reader.open(file, TraceFormat.AUTO)) {
            assertEquals(TraceFormat.U32, source.format(), "AUTO reads an xz file as u32");
        }
    }

    @Test
    void readsGzipTextSkippingMarkersAndBlankLines() throws IOException {
        Path file = write("b.trace.gz", gzip("0\n12\r\n*\n\n  345 \n*\n-2\n6"));
        assertEquals(List.of(0L, 12L, 345L, -2L, 6L), stream(file, TraceFormat.TEXT));
        assertArrayEquals(new long[] {0, 12, 345, -2, 6}, reader.readAll(file, TraceFormat.AUTO));
        Path lirs = write("c.trace.gz", gzip("5\n*\n7\n\n  9 \n5\n"));
        assertArrayEquals(new long[] {5, 7, 9, 5}, reader.readAll(lirs, TraceFormat.AUTO));
        try (TraceSource source = reader.open(lirs, TraceFormat.AUTO)) {
            assertEquals(TraceFormat.TEXT, source.format(), "AUTO reads a gzip file as text");
        }
    }

    @Test
    void readsPlainText() throws IOException {
        Path file = write("c.txt", "1\n2\n3\n".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(new long[] {1, 2, 3}, reader.readAll(file, TraceFormat.AUTO));
        assertEquals(List.of(1L, 2L, 3L), stream(file, TraceFormat.TEXT));
    }

    @Test
    void theCompressionComesFromTheMagicBytesNotTheName() throws IOException {
        Path textNamedXz = write("plain.xz", "1\n2\n".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(new long[] {1, 2}, reader.readAll(textNamedXz, TraceFormat.AUTO));
        Path gzipNamedTxt = write("packed.txt", gzip("4\n*\n5\n"));
        assertArrayEquals(new long[] {4, 5}, reader.readAll(gzipNamedTxt, TraceFormat.AUTO));
        Path xzNamedBin = write("keys.bin", xz(bigEndian(9, -9)));
        assertArrayEquals(new long[] {9, -9}, reader.readAll(xzNamedBin, TraceFormat.S32));
        Path plainBinary = write("raw.u32", bigEndian(3, 0x80000000));
        assertArrayEquals(new long[] {3, 0x80000000L}, reader.readAll(plainBinary, TraceFormat.U32));
    }

    @Test
    void aBadTextLineIsReportedWithItsNumber() throws IOException {
        Path file = write("bad.gz", gzip("1\n2\n*\nblock 7\n"));
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> stream(file, TraceFormat.TEXT));
        assertEquals("trace " + file + " line 4: 'block 7' is not a key (format text: one decimal key per line)",
                e.getMessage());
        assertEquals(file, e.file());
        Path three = write("d.trace.gz", gzip("1\n2\nthree\n"));
        TraceFormatException t = assertThrows(TraceFormatException.class, () -> reader.readAll(three, TraceFormat.AUTO));
        assertTrue(t.getMessage().startsWith("trace " + three + " line 3: 'three' is not a key"), t.getMessage());
    }

    @Test
    void theKeysBeforeABadLineAreDeliveredAndTheFailureStays() throws IOException {
        Path file = write("e.txt", "1\n2\nx\n3\n".getBytes(StandardCharsets.US_ASCII));
        try (TraceSource source = reader.open(file, TraceFormat.AUTO)) {
            assertEquals(1, source.next());
            assertEquals(2, source.next());
            TraceFormatException first = assertThrows(TraceFormatException.class, source::next);
            assertSame(first, assertThrows(TraceFormatException.class, source::next), "no key after a corrupt spot");
            assertEquals(2, source.keys());
        }
    }

    @Test
    void aTruncatedBinaryRecordIsReportedWithItsByteOffset() throws IOException {
        Path six = write("cut.xz", xz(Arrays.copyOf(bigEndian(5, 6), 6)));
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> stream(six, TraceFormat.U32));
        assertEquals("trace " + six + ": truncated record at byte offset 4: the data ends 2 bytes into a 4-byte big-endian key",
                e.getMessage());
        Path ten = write("e.trace.xz", xz(Arrays.copyOf(bigEndian(1, 2, 3), 10)));
        assertEquals("trace " + ten + ": truncated record at byte offset 8: the data ends 2 bytes into a 4-byte big-endian key",
                assertThrows(TraceFormatException.class, () -> reader.readAll(ten, TraceFormat.AUTO)).getMessage());
    }

    @Test
    void corruptXzDataIsReportedWithTheDecompressedOffsetAfterEveryGoodKey() throws IOException {
        int[] values = new int[50_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 7919;
        }
        byte[] compressed = xz(bigEndian(values));
        compressed[compressed.length / 2] ^= 0x55;
        Path file = write("big.xz", compressed);
        List<Long> delivered = new ArrayList<>();
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> {
            try (TraceSource source = reader.open(file, TraceFormat.U32)) {
                for (long k = source.next(); k != TraceSource.END; k = source.next()) {
                    delivered.add(k);
                }
            }
        });
        Matcher offset = Pattern.compile("^trace " + Pattern.quote(file.toString())
                + ": corrupt xz data after decompressed byte offset (\\d+): ").matcher(e.getMessage());
        assertTrue(offset.find(), e.getMessage());
        assertEquals(Long.parseLong(offset.group(1)) / 4, delivered.size(), "every key before the offset delivered");
        for (int i = 0; i < delivered.size(); i++) {
            assertEquals(i * 7919L, delivered.get(i));
        }
    }

    @Test
    void corruptXzIsOneClearError() throws IOException {
        byte[] good = xz(bigEndian(new int[5000]));
        byte[] bad = good.clone();
        for (int i = 40; i < bad.length - 40; i++) {
            bad[i] ^= 0x5A;
        }
        Path file = write("f.trace.xz", bad);
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> reader.readAll(file, TraceFormat.AUTO));
        assertTrue(e.getMessage().startsWith("trace " + file + ": corrupt"), e.getMessage());
        assertTrue(e.getMessage().contains("offset"), e.getMessage());

        Path header = write("g.trace.xz", Arrays.copyOf(good, 8));
        TraceFormatException h = assertThrows(TraceFormatException.class, () -> reader.readAll(header, TraceFormat.AUTO));
        assertTrue(h.getMessage().startsWith("trace " + header + ": corrupt xz header at byte offset 0"), h.getMessage());
    }

    @Test
    void binaryGarbageReadAsTextIsRejectedAtLineOne() throws IOException {
        Path file = write("h.bin", new byte[] {0x01, 0x02, (byte) 0xFF, 0x10});
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> reader.readAll(file, TraceFormat.AUTO));
        assertEquals("trace " + file + " line 1: '????' is not a key (format text: one decimal key per line)", e.getMessage());
    }

    @Test
    void emptyAndMissingFiles() throws IOException {
        Path empty = write("i.txt", new byte[0]);
        assertEquals(List.of(), stream(empty, TraceFormat.AUTO), "streaming an empty trace just ends");
        assertEquals("trace " + empty + ": no references in the trace",
                assertThrows(TraceFormatException.class, () -> reader.readAll(empty, TraceFormat.AUTO)).getMessage());
        Path missing = dir.resolve("none.gz");
        assertEquals("trace " + missing + " does not exist",
                assertThrows(TraceFormatException.class, () -> reader.open(missing, TraceFormat.TEXT)).getMessage());
        assertEquals("trace " + missing + " does not exist",
                assertThrows(TraceFormatException.class, () -> reader.readAll(missing, TraceFormat.AUTO)).getMessage());
    }

    @Test
    void threadsSharingASourceGetEachKeyOnce() throws Exception {
        int[] values = new int[200_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        Path file = write("shared.xz", xz(bigEndian(values)));
        ConcurrentLinkedQueue<Long> seen = new ConcurrentLinkedQueue<>();
        try (TraceSource source = reader.open(file, TraceFormat.S32)) {
            List<Thread> threads = new ArrayList<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        for (long k = source.next(); k != TraceSource.END; k = source.next()) {
                            seen.add(k);
                        }
                    } catch (IOException | RuntimeException e) {
                        failures.add(e);
                    }
                }, "trace-reader-test-" + t);
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertEquals(List.of(), List.copyOf(failures));
            assertEquals(values.length, source.keys());
        }
        long[] sorted = seen.stream().mapToLong(Long::longValue).sorted().toArray();
        assertEquals(values.length, sorted.length);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
    }

    @Test
    void readsTheSharedTraceWhenPresent() throws IOException {
        Path shared = Path.of("/work/shared/traces/cache2k/web07.trace.xz");
        Assumptions.assumeTrue(Files.isReadable(shared), "shared traces not on this machine");
        List<Long> keys = stream(shared, TraceFormat.S32);
        assertEquals(76_118, keys.size());   // as the traces' README says
        long[] all = reader.readAll(shared, TraceFormat.S32);
        assertEquals(76_118, all.length);
        assertEquals(20_484, Arrays.stream(all).distinct().count());   // unique keys, as the README says
        for (int i = 0; i < all.length; i++) {
            assertEquals(keys.get(i), all[i]);
        }
    }

    @Test
    void aFifoADeviceAndADirectoryAreRefusedBeforeTheyAreOpened() throws Exception {
        Path fifo = dir.resolve("trace.fifo");
        Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor() == 0,
                "mkfifo failed");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> reader.open(fifo, TraceFormat.U32));
        assertEquals("trace " + fifo + " is not a regular file (a FIFO, device or socket): give a trace file", e.getMessage());
        e = assertThrows(TraceFormatException.class, () -> reader.readAll(dir, TraceFormat.TEXT));
        assertEquals("trace " + dir + " is a directory: give a trace file", e.getMessage());
        Path zero = Path.of("/dev/zero");
        if (Files.exists(zero)) {
            assertThrows(TraceFormatException.class, () -> reader.readAll(zero, TraceFormat.U32));
        }
    }

    @Test
    void aTextLineLongerThanTheBoundIsRefusedByName() throws IOException {
        byte[] content = new byte[KeyStream.MAX_LINE + 10];
        Arrays.fill(content, (byte) '7');
        Path file = write("long.txt", content);
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> reader.readAll(file, TraceFormat.TEXT));
        assertEquals("trace " + file + " line 1: '7777777777777777777777777777777777777777...' is longer than "
                + KeyStream.MAX_LINE + " bytes, not a key (format text: one decimal key per line)", e.getMessage());
    }

    @Test
    void readingAllKeysIsRefusedBeforeTheArrayOutgrowsTheHeap() throws IOException {
        int[] keys = new int[70_000];
        Path file = write("big.u32", bigEndian(keys));
        try (KeyStream stream = KeyStream.open(file, TraceFormat.U32)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> stream.readAll(() -> new MemoryBudget(0, 0, 1 << 20, 0)));
            assertEquals("trace " + file + " read whole (more than 65536 keys) needs 1.5 MiB of heap; the distribution has"
                    + " 1 MiB free of 1 MiB (a request may take half of what is free)", e.getMessage());
        }
    }
}
