package io.vstack.api.hw;

/** Thrown when a host has no free page frame left. */
public class OutOfFramesException extends HardwareException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the host. */
    public OutOfFramesException(String message) {
        super(message);
    }
}
