package io.vstack.api.trust;

/** A binary could not be verified or approved; the message says why in one line. */
public class TrustException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message. */
    public TrustException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the failure underneath. */
    public TrustException(String message, Throwable cause) {
        super(message, cause);
    }
}
