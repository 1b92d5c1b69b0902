package io.vstack.workload.internal;

import java.io.IOException;

/** A trace file is corrupt or not in its format; the message names the file and the line or byte offset. */
public final class TraceFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    TraceFormatException(String message) {
        super(message);
    }

    TraceFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
