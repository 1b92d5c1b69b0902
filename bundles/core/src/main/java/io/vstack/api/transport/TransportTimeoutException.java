package io.vstack.api.transport;

/** No reply (or no handshake) came within the timeout; the connection stays usable. */
public class TransportTimeoutException extends TransportException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message. */
    public TransportTimeoutException(String message) {
        super(message);
    }

    /** Creates the exception with a one-line message and the failure underneath. */
    public TransportTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
