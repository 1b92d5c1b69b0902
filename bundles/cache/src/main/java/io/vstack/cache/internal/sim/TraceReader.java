package io.vstack.cache.internal.sim;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.tukaani.xz.XZIOException;
import org.tukaani.xz.XZInputStream;

/**
 * Reads a whole reference trace into a {@code long[]} of keys. The compression is found from the
 * file's first bytes (xz, gzip, or none); the record encoding from {@link TraceFormat}. Anything
 * that is not a trace fails with one {@link TraceFormatException} naming the file and the line or
 * (decompressed) byte offset where reading stopped.
 */
public final class TraceReader {

    private static final byte[] XZ_MAGIC = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};
    private static final byte[] GZIP_MAGIC = {0x1F, (byte) 0x8B};

    private TraceReader() {
    }

    /** Reads every key of {@code file}. */
    public static long[] read(Path file, TraceFormat format) throws IOException {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        byte[] head = new byte[6];
        int headLength;
        try (InputStream in = Files.newInputStream(file)) {
            headLength = in.readNBytes(head, 0, head.length);
        } catch (NoSuchFileException e) {
            throw new TraceFormatException("No trace file " + file, e);
        }
        boolean xz = startsWith(head, headLength, XZ_MAGIC);
        boolean gzip = startsWith(head, headLength, GZIP_MAGIC);
        TraceFormat encoding = format != TraceFormat.AUTO ? format : xz ? TraceFormat.U32 : TraceFormat.TEXT;
        long[] keys;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
             InputStream in = xz ? new XZInputStream(raw) : gzip ? new GZIPInputStream(raw, 1 << 16) : raw) {
            keys = encoding == TraceFormat.TEXT ? readText(name, in) : readBinary(name, in, encoding == TraceFormat.S32);
        } catch (XZIOException | ZipException | EOFException e) {
            // Thrown while opening the stream: the compression header itself is bad.
            throw new TraceFormatException(name + ": corrupt " + (xz ? "xz" : "gzip") + " header at byte offset 0: "
                    + e.getMessage(), e);
        }
        if (keys.length == 0) {
            throw new TraceFormatException(name + ": no references in the trace");
        }
        return keys;
    }

    private static boolean startsWith(byte[] head, int length, byte[] magic) {
        return length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }

    private static long[] readBinary(String name, InputStream in, boolean signed) throws IOException {
        LongArray keys = new LongArray();
        byte[] buffer = new byte[1 << 16];
        long offset = 0;
        int pending = 0;
        for (;;) {
            int n;
            try {
                n = in.read(buffer, pending, buffer.length - pending);
            } catch (XZIOException | ZipException | EOFException e) {
                throw new TraceFormatException(name + ": corrupt compressed data at decompressed byte offset "
                        + (offset + pending) + ": " + e.getMessage(), e);
            } catch (IOException e) {
                throw new TraceFormatException(name + ": unreadable at decompressed byte offset "
                        + (offset + pending) + ": " + e, e);
            }
            if (n < 0) {
                break;
            }
            int available = pending + n;
            int whole = available & ~3;
            for (int i = 0; i < whole; i += 4) {
                int v = ((buffer[i] & 0xFF) << 24) | ((buffer[i + 1] & 0xFF) << 16)
                        | ((buffer[i + 2] & 0xFF) << 8) | (buffer[i + 3] & 0xFF);
                keys.add(signed ? v : v & 0xFFFFFFFFL);
            }
            pending = available - whole;
            System.arraycopy(buffer, whole, buffer, 0, pending);
            offset += whole;
        }
        if (pending != 0) {
            throw new TraceFormatException(name + ": truncated record at byte offset " + offset
                    + " (" + pending + " trailing bytes; records are 4-byte big-endian keys)");
        }
        return keys.toArray();
    }

    private static long[] readText(String name, InputStream in) throws IOException {
        LongArray keys = new LongArray();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1), 1 << 16);
        long line = 0;
        for (;;) {
            String text;
            try {
                text = reader.readLine();
            } catch (XZIOException | ZipException | EOFException e) {
                throw new TraceFormatException(name + ": corrupt compressed data after line " + line + ": "
                        + e.getMessage(), e);
            } catch (IOException e) {
                throw new TraceFormatException(name + ": unreadable after line " + line + ": " + e, e);
            }
            if (text == null) {
                return keys.toArray();
            }
            line++;
            String value = text.strip();
            if (value.isEmpty() || value.equals("*")) {
                continue;
            }
            try {
                keys.add(Long.parseLong(value));
            } catch (NumberFormatException e) {
                String shown = value.length() > 20 ? value.substring(0, 20) + "..." : value;
                throw new TraceFormatException(name + " line " + line + ": '" + printable(shown)
                        + "' is not a key (expected xz binary, or gzip/plain text with one number per line)", e);
            }
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return b.toString();
    }

    /** A growable array of longs. */
    static final class LongArray {
        private long[] values = new long[1 << 16];
        private int size;

        void add(long value) {
            if (size == values.length) {
                if (size == Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("trace longer than " + size + " references");
                }
                values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8, size * 2L));
            }
            values[size++] = value;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
