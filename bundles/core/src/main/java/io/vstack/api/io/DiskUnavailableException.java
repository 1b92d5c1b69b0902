package io.vstack.api.io;

/** The disk cannot take I/O now: it was deleted, closed, released to another host, or its store is gone. */
public class DiskUnavailableException extends IoException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the disk and why it is unavailable. */
    public DiskUnavailableException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the failure underneath. */
    public DiskUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
