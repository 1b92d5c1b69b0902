package io.vstack.api.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A path that does not give a trace: the file does not exist, its compressed data is corrupt, a
 * binary record is cut short, or a text line is not a key. The message is one line that names
 * the file and, for content, the (decompressed) byte offset or the line, for example
 * {@code trace /t/sprite.trace.gz line 3: 'x' is not a key (...)}.
 */
public class TraceFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The file, as the caller named it. */
    private final transient Path file;

    /**
     * @param file    the trace file
     * @param message the whole one-line message, naming the file and where reading stopped
     */
    public TraceFormatException(Path file, String message) {
        super(message);
        this.file = Objects.requireNonNull(file, "file");
    }

    /**
     * @param file    the trace file
     * @param message the whole one-line message, naming the file and where reading stopped
     * @param cause   what the decompressor or the file system reported
     */
    public TraceFormatException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = Objects.requireNonNull(file, "file");
    }

    /** The trace file, as the caller named it (null only after deserialization). */
    public Path file() {
        return file;
    }
}
