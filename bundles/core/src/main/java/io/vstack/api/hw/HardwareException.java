package io.vstack.api.hw;

/** Root of the failures of simulated hardware that a caller can handle. */
public class HardwareException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the device and what failed. */
    public HardwareException(String message) {
        super(message);
    }
}
