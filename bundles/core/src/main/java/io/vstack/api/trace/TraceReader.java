package io.vstack.api.trace;

import java.io.IOException;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads trace files: xz, gzip or uncompressed (found from the magic bytes at the file's start),
 * with records as {@link TraceFormat} says. A service; stateless and thread-safe. Every method
 * does its work on the calling thread and blocks while the file is read.
 */
@ProviderType
public interface TraceReader {

    /**
     * Opens {@code file} for streaming. Reads only the compression header before it returns.
     *
     * @param format the record encoding; {@link TraceFormat#AUTO} reads xz files as
     *               {@link TraceFormat#U32} and others as {@link TraceFormat#TEXT}
     * @throws TraceFormatException if the file does not exist, is not a regular file (a FIFO, device
     *                              or directory: refused before it is opened, so nothing blocks on it)
     *                              or its compression header is corrupt (the message names the file)
     * @throws IOException          if it cannot be read
     */
    TraceSource open(Path file, TraceFormat format) throws IOException;

    /**
     * Reads every key of {@code file} into an array, in trace order; for callers that replay a
     * trace many times (cache simulation, Belady's optimum). Takes 8 bytes of heap per key.
     *
     * @param format as for {@link #open}
     * @throws TraceFormatException if the file does not exist, is not a regular file, is corrupt
     *                              anywhere (the message names the file and the byte offset or line),
     *                              holds no key, or holds more keys than an array can
     * @throws IllegalArgumentException naming the file if its keys need more heap than the distribution
     *                              can spare (checked before the array grows; see {@code MemoryBudget})
     * @throws java.io.InterruptedIOException if the calling thread is interrupted
     * @throws IOException          if it cannot be read
     */
    long[] readAll(Path file, TraceFormat format) throws IOException;
}
