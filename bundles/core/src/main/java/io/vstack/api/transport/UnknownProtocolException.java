package io.vstack.api.transport;

/** The peer serves no protocol of the requested name. */
public class UnknownProtocolException extends TransportException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message. */
    public UnknownProtocolException(String message) {
        super(message);
    }

    /** Creates the exception with a one-line message and the failure underneath. */
    public UnknownProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
