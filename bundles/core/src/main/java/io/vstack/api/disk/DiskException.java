package io.vstack.api.disk;

/** A disk operation was refused or failed; the message says why, in one line, and nothing was changed. */
public class DiskException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message naming the disk and the reason. */
    public DiskException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the failure underneath. */
    public DiskException(String message, Throwable cause) {
        super(message, cause);
    }
}
