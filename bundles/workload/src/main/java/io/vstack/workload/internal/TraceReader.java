package io.vstack.workload.internal;

import io.vstack.api.workload.TraceFormat;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.tukaani.xz.XZFormatException;
import org.tukaani.xz.XZInputStream;

/**
 * Streams the keys of a trace file (see {@link TraceFormat}) without allocating per key: the
 * decompressed bytes go through one reused buffer and are parsed in place.
 * <p>Thread-safe: {@link #next()} is synchronized, so the threads of a run share one reader and
 * replay the trace in order between them.
 */
public final class TraceReader implements AutoCloseable {

    /** Returned by {@link #next()} at the end of the trace. */
    public static final long END = Long.MIN_VALUE;

    private static final int LINE_ECHO = 40;

    private final Path file;
    private final TraceFormat format;
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private final byte[] line = new byte[LINE_ECHO];
    private int position;
    private int limit;
    private long consumed;         // decompressed bytes before buffer[0]
    private long lineNumber;
    private long keys;

    private TraceReader(Path file, TraceFormat format, InputStream in) {
        this.file = file;
        this.format = format;
        this.in = in;
    }

    /**
     * Opens a trace.
     *
     * @throws IllegalArgumentException if the file does not exist
     * @throws TraceFormatException if it does not start as its format says
     * @throws IOException if it cannot be read
     */
    public static TraceReader open(Path file, TraceFormat format) throws IOException {
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("trace " + file + " does not exist", e);
        }
        try {
            InputStream in = switch (format) {
                case XZ_U32, XZ_I32 -> new XZInputStream(raw);
                case GZIP_TEXT -> new GZIPInputStream(raw, 1 << 16);
                case TEXT -> raw;
            };
            return new TraceReader(file, format, in);
        } catch (XZFormatException | ZipException | EOFException e) {
            raw.close();
            throw new TraceFormatException("trace " + file + ": not " + (format == TraceFormat.GZIP_TEXT ? "a gzip" : "an xz")
                    + " file (format " + format.label() + ")", e);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** Keys read so far. */
    public synchronized long keys() {
        return keys;
    }

    /**
     * The next key (a block number, possibly negative for signed traces), or {@link #END}.
     *
     * @throws TraceFormatException naming the byte offset or line where the trace is corrupt
     * @throws IOException if the file cannot be read
     */
    public synchronized long next() throws IOException {
        long key = format == TraceFormat.XZ_U32 || format == TraceFormat.XZ_I32 ? nextBinary() : nextText();
        if (key != END) {
            keys++;
        }
        return key;
    }

    private boolean fill() throws IOException {
        consumed += limit;
        position = 0;
        limit = 0;
        try {
            int n = in.readNBytes(buffer, 0, buffer.length);
            limit = n;
            return n > 0;
        } catch (IOException e) {
            throw new TraceFormatException("trace " + file + ": corrupt " + (format == TraceFormat.GZIP_TEXT ? "gzip" : "xz")
                    + " data after decompressed byte offset " + consumed + ": " + e.getMessage(), e);
        }
    }

    private long nextBinary() throws IOException {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            if (position == limit && !fill()) {
                if (i == 0) {
                    return END;
                }
                throw new TraceFormatException("trace " + file + ": truncated record at byte offset " + (consumed + position - i)
                        + ": the data ends " + i + " byte" + (i == 1 ? "" : "s") + " into a 4-byte block number");
            }
            value = value << 8 | (buffer[position++] & 0xff);
        }
        return format == TraceFormat.XZ_U32 ? Integer.toUnsignedLong(value) : value;
    }

    private long nextText() throws IOException {
        while (true) {
            lineNumber++;
            long value = 0;
            int digits = 0;
            int length = 0;
            boolean negative = false;
            boolean marker = false;
            boolean bad = false;
            boolean any = false;
            boolean ended = false;
            while (true) {
                if (position == limit && !fill()) {
                    if (!any) {
                        return END;
                    }
                    break;
                }
                byte b = buffer[position++];
                any = true;
                if (b == '\n') {
                    break;
                }
                if (length < LINE_ECHO) {
                    line[length] = b;
                }
                length++;
                if (b == '\r' || b == ' ' || b == '\t') {
                    ended = digits > 0 || marker;
                    continue;
                }
                if (ended) {
                    bad = true;
                } else if (b >= '0' && b <= '9' && !marker && !bad) {
                    value = value * 10 + (b - '0');
                    digits++;
                    bad = digits > 18;
                } else if (b == '-' && digits == 0 && !negative && !marker) {
                    negative = true;
                } else if (b == '*' && digits == 0 && !negative && !marker) {
                    marker = true;
                } else {
                    bad = true;
                }
            }
            if (bad || (negative && digits == 0) || (marker && digits > 0)) {
                throw new TraceFormatException("trace " + file + " line " + lineNumber + ": '"
                        + new String(line, 0, Math.min(length, LINE_ECHO), StandardCharsets.ISO_8859_1).trim()
                        + (length > LINE_ECHO ? "..." : "") + "' is not a block number");
            }
            if (digits > 0) {
                return negative ? -value : value;
            }
            // a '*' marker or an empty line: skip it
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
