package io.vstack.api.transport;

/** The peer does not speak the vstack transport, or speaks another version of it; the message names both versions. */
public class ProtocolMismatchException extends TransportException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message. */
    public ProtocolMismatchException(String message) {
        super(message);
    }

    /** Creates the exception with a one-line message and the failure underneath. */
    public ProtocolMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
