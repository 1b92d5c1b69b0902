package io.vstack.api.transport;

/** A transport operation failed; the message says which peer and why, in one line. */
public class TransportException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message. */
    public TransportException(String message) {
        super(message);
    }

    /** Creates the exception with a one-line message and the failure underneath. */
    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
