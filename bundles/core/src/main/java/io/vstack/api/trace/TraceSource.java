package io.vstack.api.trace;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * An open trace, streamed key by key from a reused buffer: reading allocates nothing per key.
 * Get one from {@link TraceReader#open}; close it when done.
 * <p><b>Threads.</b> Thread-safe: {@link #next()} is synchronized, so the threads of a run may
 * share one source and replay the trace in order between them (each key goes to one caller).
 */
@ProviderType
public interface TraceSource extends Closeable {

    /** Returned by {@link #next()} at the end of the trace; never a key (text keys have at most 18 digits). */
    long END = Long.MIN_VALUE;

    /** The file, as the caller named it. */
    Path file();

    /** The record encoding being read: the one asked for, or the one {@link TraceFormat#AUTO} chose. Never {@code AUTO}. */
    TraceFormat format();

    /**
     * The next key, or {@link #END} after the last one (and on every later call). Blocks while the
     * file is read and decompressed; the caller's thread does the work.
     *
     * @throws TraceFormatException naming the file and the byte offset or line where the trace is corrupt,
     *                              after every key before that spot was returned; every later call
     *                              throws it again
     * @throws IOException          naming the file and the offset if the file cannot be read (likewise
     *                              thrown again by every later call)
     */
    long next() throws IOException;

    /** Keys returned by {@link #next()} so far. */
    long keys();

    /** Closes the file. Idempotent. */
    @Override
    void close() throws IOException;
}
