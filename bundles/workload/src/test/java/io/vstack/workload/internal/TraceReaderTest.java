package io.vstack.workload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.io.IoOp;
import io.vstack.api.testing.InMemoryDisk;
import io.vstack.api.workload.TraceFormat;
import io.vstack.api.workload.WorkloadPattern;
import io.vstack.api.workload.WorkloadResult;
import io.vstack.api.workload.WorkloadSpec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class TraceReaderTest {

    @TempDir
    Path dir;

    private Path xz(String name, byte[] raw) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = new XZOutputStream(Files.newOutputStream(file), new LZMA2Options())) {
            out.write(raw);
        }
        return file;
    }

    private static byte[] ints(int... values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (int v : values) {
                out.writeInt(v);
            }
        }
        return bytes.toByteArray();
    }

    private Path gzip(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }

    private static List<Long> readAll(Path file, TraceFormat format) throws IOException {
        List<Long> keys = new ArrayList<>();
        try (TraceReader reader = TraceReader.open(file, format)) {
            for (long k = reader.next(); k != TraceReader.END; k = reader.next()) {
                keys.add(k);
            }
        }
        return keys;
    }

    @Test
    void readsBigEndianUnsignedAndSignedXz() throws Exception {
        Path file = xz("t.trace.xz", ints(0, 1, 7, -1, 0x7fffffff));
        assertEquals(List.of(0L, 1L, 7L, 0xffffffffL, 0x7fffffffL), readAll(file, TraceFormat.XZ_U32));
        assertEquals(List.of(0L, 1L, 7L, -1L, 0x7fffffffL), readAll(file, TraceFormat.XZ_I32));
    }

    @Test
    void readsGzipTextSkippingMarkersAndBlankLines() throws Exception {
        Path file = gzip("t.trace.gz", "0\n12\r\n*\n\n  345 \n*\n-2\n6");
        assertEquals(List.of(0L, 12L, 345L, -2L, 6L), readAll(file, TraceFormat.GZIP_TEXT));
    }

    @Test
    void aTruncatedBinaryRecordIsReportedWithItsOffset() throws Exception {
        byte[] raw = ints(5, 6);
        byte[] cut = java.util.Arrays.copyOf(raw, 6);
        Path file = xz("cut.xz", cut);
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> readAll(file, TraceFormat.XZ_U32));
        assertEquals("trace " + file + ": truncated record at byte offset 4: the data ends 2 bytes into a 4-byte block number",
                e.getMessage());
    }

    @Test
    void corruptXzDataIsReportedWithTheDecompressedOffset() throws Exception {
        int[] values = new int[50_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 7919;
        }
        Path file = xz("big.xz", ints(values));
        byte[] compressed = Files.readAllBytes(file);
        compressed[compressed.length / 2] ^= 0x55;
        Files.write(file, compressed);
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> readAll(file, TraceFormat.XZ_U32));
        assertTrue(e.getMessage().startsWith("trace " + file + ": corrupt xz data after decompressed byte offset "),
                e.getMessage());
    }

    @Test
    void aBadTextLineIsReportedWithItsNumber() throws Exception {
        Path file = gzip("bad.gz", "1\n2\n*\nblock 7\n");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> readAll(file, TraceFormat.GZIP_TEXT));
        assertEquals("trace " + file + " line 4: 'block 7' is not a block number", e.getMessage());
    }

    @Test
    void aFileNotInItsFormatIsRefusedAtOnce() throws Exception {
        Path text = dir.resolve("plain.xz");
        Files.writeString(text, "1\n2\n");
        TraceFormatException notXz = assertThrows(TraceFormatException.class, () -> TraceReader.open(text, TraceFormat.XZ_U32));
        assertEquals("trace " + text + ": not an xz file (format xz-u32)", notXz.getMessage());
        TraceFormatException notGzip = assertThrows(TraceFormatException.class,
                () -> TraceReader.open(text, TraceFormat.GZIP_TEXT));
        assertEquals("trace " + text + ": not a gzip file (format gzip-text)", notGzip.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> TraceReader.open(dir.resolve("none.gz"), TraceFormat.GZIP_TEXT));
        assertTrue(missing.getMessage().endsWith("none.gz does not exist"), missing.getMessage());
    }

    @Test
    void replayReadsEachKeyModuloTheRegion() throws Exception {
        Path file = xz("replay.trace.xz", ints(0, 3, 17, -1, 16));
        RecordingFilter recorder = new RecordingFilter();
        InMemoryDisk disk = new InMemoryDisk("d1", 16L * 4096, 4096).withFilter("recorder", recorder);
        WorkloadResult result = new WorkloadRunnerImpl().run(disk,
                WorkloadSpec.builder(WorkloadPattern.TRACE).trace(file).build(), p -> { });
        // u32: -1 is 4294967295, which is 15 modulo 16
        assertEquals(List.of(0L, 3 * 4096L, 1 * 4096L, 15 * 4096L, 0L), recorder.offsets(IoOp.READ));
        assertEquals(5, result.reads().ops());
        assertEquals(WorkloadResult.StopReason.COMPLETED, result.stopReason());
    }

    @Test
    void aCorruptTraceFailsTheRunWithOneLine() throws Exception {
        Path file = gzip("broken.trace.gz", "1\n2\nx\n");
        InMemoryDisk disk = new InMemoryDisk("d1", 16L * 4096, 4096);
        WorkloadResult result = new WorkloadRunnerImpl().run(disk,
                WorkloadSpec.builder(WorkloadPattern.TRACE).trace(file).build(), p -> { });
        assertEquals(WorkloadResult.StopReason.FAILED, result.stopReason());
        assertEquals("trace " + file + " line 3: 'x' is not a block number", result.failure().orElseThrow());
        assertEquals(2, result.reads().ops());
    }

    @Test
    void replaysTheSharedTracesWhenPresent() throws Exception {
        Path shared = Path.of("/work/shared/traces/cache2k/web07.trace.xz");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(shared), "shared traces not on this machine");
        try (TraceReader reader = TraceReader.open(shared, TraceFormat.XZ_I32)) {
            long count = 0;
            while (reader.next() != TraceReader.END) {
                count++;
            }
            assertEquals(76_118, count);   // as the traces' README says
        }
    }
}
