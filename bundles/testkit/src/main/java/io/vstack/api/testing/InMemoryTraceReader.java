package io.vstack.api.testing;

import io.vstack.api.trace.TraceFormat;
import io.vstack.api.trace.TraceFormatException;
import io.vstack.api.trace.TraceReader;
import io.vstack.api.trace.TraceSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link TraceReader} over traces given as arrays, for unit tests of code that replays traces:
 * no file is read. A path never given is missing ({@link TraceFormatException} "trace F does not
 * exist", as the real reader says); a trace given with {@link #failing} yields its keys and then
 * fails with the given message, as a corrupt file does. Sources report the format asked for
 * ({@link TraceFormat#TEXT} for {@code AUTO}). Thread-safe.
 */
public final class InMemoryTraceReader implements TraceReader {

    private record Trace(long[] keys, String failure) {
    }

    private final Map<Path, Trace> traces = new ConcurrentHashMap<>();
    private final Map<Path, TraceFormat> asked = new ConcurrentHashMap<>();

    /** Makes {@code file} a trace of {@code keys}; returns this reader. */
    public InMemoryTraceReader with(Path file, long... keys) {
        traces.put(file, new Trace(keys.clone(), null));
        return this;
    }

    /** Makes {@code file} a trace that yields {@code keysBefore} and then fails with {@code message}; returns this reader. */
    public InMemoryTraceReader failing(Path file, String message, long... keysBefore) {
        traces.put(file, new Trace(keysBefore.clone(), message));
        return this;
    }

    /** The format {@code file} was last opened or read with, if it was. */
    public Optional<TraceFormat> formatAsked(Path file) {
        return Optional.ofNullable(asked.get(file));
    }

    private Trace trace(Path file, TraceFormat format) throws TraceFormatException {
        asked.put(file, format);
        Trace trace = traces.get(file);
        if (trace == null) {
            throw new TraceFormatException(file, "trace " + file + " does not exist");
        }
        return trace;
    }

    @Override
    public TraceSource open(Path file, TraceFormat format) throws IOException {
        Trace trace = trace(file, format);
        TraceFormat resolved = format == TraceFormat.AUTO ? TraceFormat.TEXT : format;
        return new TraceSource() {
            private int next;

            @Override
            public Path file() {
                return file;
            }

            @Override
            public TraceFormat format() {
                return resolved;
            }

            @Override
            public synchronized long next() throws IOException {
                if (next < trace.keys().length) {
                    return trace.keys()[next++];
                }
                if (trace.failure() != null) {
                    throw new TraceFormatException(file, trace.failure());
                }
                return END;
            }

            @Override
            public synchronized long keys() {
                return next;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public long[] readAll(Path file, TraceFormat format) throws IOException {
        Trace trace = trace(file, format);
        if (trace.failure() != null) {
            throw new TraceFormatException(file, trace.failure());
        }
        if (trace.keys().length == 0) {
            throw new TraceFormatException(file, "trace " + file + ": no references in the trace");
        }
        return trace.keys().clone();
    }
}
