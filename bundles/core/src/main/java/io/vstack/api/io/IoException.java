package io.vstack.api.io;

import java.io.IOException;

/**
 * Root of the I/O failures of the data path: the I/O failed and the caller may retry or report
 * it. Subtypes name the reason; the message names the disk and, where one is to blame, the
 * filter or backend.
 */
public class IoException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the disk and the reason. */
    public IoException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the failure underneath. */
    public IoException(String message, Throwable cause) {
        super(message, cause);
    }
}
