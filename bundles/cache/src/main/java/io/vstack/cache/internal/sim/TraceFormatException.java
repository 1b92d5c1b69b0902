package io.vstack.cache.internal.sim;

import java.io.IOException;

/** A trace file that cannot be read as a trace: the message names the file and the line or byte offset. */
public final class TraceFormatException extends IOException {

    public TraceFormatException(String message) {
        super(message);
    }

    public TraceFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
