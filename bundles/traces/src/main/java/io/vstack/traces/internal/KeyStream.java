package io.vstack.traces.internal;

import io.vstack.support.MemoryBudget;
import io.vstack.api.trace.TraceFormat;
import io.vstack.api.trace.TraceFormatException;
import io.vstack.api.trace.TraceSource;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZIOException;
import org.tukaani.xz.XZInputStream;

/**
 * One open trace. The compression is found from the file's magic bytes (xz, gzip, or none), the
 * record encoding from {@link TraceFormat}. Decompressed bytes go through one reused buffer and
 * are parsed in place, so reading allocates nothing per key. Every failure names the file and
 * the byte offset (of the decompressed data) or the line; the keys before a corrupt spot are
 * all delivered first.
 */
final class KeyStream implements TraceSource {

    private static final Logger LOG = LoggerFactory.getLogger(KeyStream.class);
    private static final byte[] XZ_MAGIC = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};
    private static final byte[] GZIP_MAGIC = {0x1F, (byte) 0x8B};
    private static final int BUFFER = 1 << 16;
    private static final int LINE_ECHO = 40;
    /** Text keys have at most this many digits, so that no key is {@link #END}. */
    private static final int MAX_DIGITS = 18;
    private static final int MAX_KEYS = Integer.MAX_VALUE - 8;
    /** The longest text line read: a key with its blanks fits many times over. */
    static final int MAX_LINE = 4096;

    /** How the file is compressed, as its first bytes say. */
    enum Compression {
        XZ, GZIP, NONE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Path file;
    private final TraceFormat format;
    private final Compression compression;
    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER];
    private final byte[] line = new byte[LINE_ECHO];
    private int position;
    private int limit;
    private long consumed;              // decompressed bytes before buffer[0]
    private long lineNumber;
    private long keys;
    private boolean ended;
    private IOException failure;        // thrown again by every call after the first

    private KeyStream(Path file, TraceFormat format, Compression compression, InputStream in) {
        this.file = file;
        this.format = format;
        this.compression = compression;
        this.in = in;
    }

    /**
     * Opens {@code file}: reads its magic bytes and the compression header.
     *
     * @throws TraceFormatException if it does not exist or its compression header is corrupt
     */
    static KeyStream open(Path file, TraceFormat format) throws IOException {
        InputStream raw;
        try {
            Path real = file.toRealPath();
            if (!Files.isRegularFile(real)) {
                throw new TraceFormatException(file, "trace " + file + " is " + (Files.isDirectory(real) ? "a directory"
                        : "not a regular file (a FIFO, device or socket)") + ": give a trace file");
            }
            raw = new BufferedInputStream(Files.newInputStream(real), BUFFER);
        } catch (NoSuchFileException e) {
            throw new TraceFormatException(file, "trace " + file + " does not exist", e);
        }
        try {
            raw.mark(XZ_MAGIC.length);
            byte[] head = raw.readNBytes(XZ_MAGIC.length);
            raw.reset();
            Compression compression = startsWith(head, XZ_MAGIC) ? Compression.XZ
                    : startsWith(head, GZIP_MAGIC) ? Compression.GZIP : Compression.NONE;
            TraceFormat encoding = format != TraceFormat.AUTO ? format
                    : compression == Compression.XZ ? TraceFormat.U32 : TraceFormat.TEXT;
            InputStream in;
            try {
                in = switch (compression) {
                    case XZ -> new XZInputStream(raw);
                    case GZIP -> new GZIPInputStream(raw, BUFFER);
                    case NONE -> raw;
                };
            } catch (XZIOException | ZipException | EOFException e) {
                throw new TraceFormatException(file, "trace " + file + ": corrupt " + compression.label()
                        + " header at byte offset 0: " + e.getMessage(), e);
            }
            LOG.debug("trace {} opened: compression {}, format {}", file, compression.label(), encoding.label());
            return new KeyStream(file, encoding, compression, in);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        return head.length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public TraceFormat format() {
        return format;
    }

    /** How the file is compressed. */
    Compression compression() {
        return compression;
    }

    @Override
    public synchronized long keys() {
        return keys;
    }

    @Override
    public synchronized long next() throws IOException {
        long key = nextKey();
        if (key != END) {
            keys++;
        }
        return key;
    }

    /**
     * Every remaining key, in order (unsynchronized: for one caller that owns the stream). Before
     * the array grows, checks the heap it needs (the old and the new array) against {@code memory}.
     *
     * @throws TraceFormatException      if there is none, or more than an array holds
     * @throws IllegalArgumentException  naming the file if the keys need more heap than the distribution can spare
     * @throws InterruptedIOException    if the calling thread is interrupted
     */
    long[] readAll(Supplier<MemoryBudget> memory) throws IOException {
        long[] values = new long[BUFFER];
        int size = 0;
        for (long key = nextKey(); key != END; key = nextKey()) {
            if (size == values.length) {
                if (size == MAX_KEYS) {
                    throw new TraceFormatException(file, "trace " + file + ": more than " + MAX_KEYS
                            + " references, too many to hold in an array; stream it instead");
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("trace " + file + ": reading stopped after " + size + " keys: interrupted");
                }
                int grown = (int) Math.min(MAX_KEYS, size * 2L);
                memory.get().requireHeap("trace " + file + " read whole (more than " + size + " keys)",
                        (size + (long) grown) * Long.BYTES);
                values = Arrays.copyOf(values, grown);
            }
            values[size++] = key;
        }
        if (size == 0) {
            throw new TraceFormatException(file, "trace " + file + ": no references in the trace");
        }
        return Arrays.copyOf(values, size);
    }

    private long nextKey() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (ended) {
            return END;
        }
        try {
            long key = format == TraceFormat.TEXT ? nextText() : nextBinary();
            ended = key == END;
            return key;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    /** Refills the buffer with the next decompressed bytes; false at the end of the data. */
    private boolean fill() throws IOException {
        consumed += limit;
        position = 0;
        limit = 0;
        int n;
        try {
            n = in.read(buffer, 0, buffer.length);
        } catch (XZIOException | ZipException | EOFException e) {
            throw new TraceFormatException(file, "trace " + file + ": corrupt " + compression.label()
                    + " data after decompressed byte offset " + consumed + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException("trace " + file + " cannot be read at " + (compression == Compression.NONE ? "" : "decompressed ")
                    + "byte offset " + consumed + ": " + e.getMessage(), e);
        }
        limit = Math.max(n, 0);
        return n > 0;
    }

    private long nextBinary() throws IOException {
        int value;
        if (limit - position >= 4) {
            value = (buffer[position] & 0xFF) << 24 | (buffer[position + 1] & 0xFF) << 16
                    | (buffer[position + 2] & 0xFF) << 8 | (buffer[position + 3] & 0xFF);
            position += 4;
        } else {
            value = 0;
            for (int i = 0; i < 4; i++) {
                if (position == limit && !fill()) {
                    if (i == 0) {
                        return END;
                    }
                    throw new TraceFormatException(file, "trace " + file + ": truncated record at byte offset "
                            + (consumed + position - i) + ": the data ends " + i + " byte" + (i == 1 ? "" : "s")
                            + " into a 4-byte big-endian key");
                }
                value = value << 8 | (buffer[position++] & 0xFF);
            }
        }
        return format == TraceFormat.U32 ? Integer.toUnsignedLong(value) : value;
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
            boolean afterValue = false;
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
                if (++length > MAX_LINE) {
                    throw new TraceFormatException(file, "trace " + file + " line " + lineNumber + ": '" + echo(length)
                            + "' is longer than " + MAX_LINE + " bytes, not a key (format text: one decimal key per line)");
                }
                if (b == '\r' || b == ' ' || b == '\t') {
                    afterValue = digits > 0 || marker;
                    continue;
                }
                if (afterValue) {
                    bad = true;
                } else if (b >= '0' && b <= '9' && !marker && !bad) {
                    value = value * 10 + (b - '0');
                    digits++;
                    bad = digits > MAX_DIGITS;
                } else if (b == '-' && digits == 0 && !negative && !marker) {
                    negative = true;
                } else if (b == '*' && digits == 0 && !negative && !marker) {
                    marker = true;
                } else {
                    bad = true;
                }
            }
            if (bad || (negative && digits == 0)) {
                throw new TraceFormatException(file, "trace " + file + " line " + lineNumber + ": '" + echo(length)
                        + "' is not a key (format text: one decimal key per line)");
            }
            if (digits > 0) {
                return negative ? -value : value;
            }
            // a '*' marker or a blank line: skip it
        }
    }

    /** The start of the current line as it may be shown: trimmed, non-printable bytes as '?'. */
    private String echo(int length) {
        String text = new String(line, 0, Math.min(length, LINE_ECHO), StandardCharsets.ISO_8859_1).strip();
        StringBuilder shown = new StringBuilder(text.length() + 3);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            shown.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return length > LINE_ECHO ? shown.append("...").toString() : shown.toString();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
