package io.vstack.api.transport;

/** A frame was corrupt (CRC32C mismatch) or malformed (a length out of bounds, an unknown frame type), on either side. */
public class FrameException extends TransportException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message. */
    public FrameException(String message) {
        super(message);
    }

    /** Creates the exception with a one-line message and the failure underneath. */
    public FrameException(String message, Throwable cause) {
        super(message, cause);
    }
}
