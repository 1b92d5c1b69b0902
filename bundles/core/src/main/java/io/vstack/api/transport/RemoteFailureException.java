package io.vstack.api.transport;

/** The peer's protocol handler failed the request, or the peer was too busy to take it; the message is the peer's. */
public class RemoteFailureException extends TransportException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message. */
    public RemoteFailureException(String message) {
        super(message);
    }

    /** Creates the exception with a one-line message and the failure underneath. */
    public RemoteFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
