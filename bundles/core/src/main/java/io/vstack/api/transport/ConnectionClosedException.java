package io.vstack.api.transport;

/** The connection could not be opened, or it closed (by either side, or because its frame stream broke) before the reply came. */
public class ConnectionClosedException extends TransportException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message. */
    public ConnectionClosedException(String message) {
        super(message);
    }

    /** Creates the exception with a one-line message and the failure underneath. */
    public ConnectionClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
