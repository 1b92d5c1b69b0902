package io.vstack.api.memory;

/** A memory operation was refused or failed; the message says why in one line. */
public class MemoryException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message. */
    public MemoryException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the failure underneath. */
    public MemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
