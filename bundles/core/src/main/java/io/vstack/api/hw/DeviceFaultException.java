package io.vstack.api.hw;

/** Thrown when an operation fails because a simulated fault was injected into its device. */
public class DeviceFaultException extends HardwareException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the device and the injected fault. */
    public DeviceFaultException(String message) {
        super(message);
    }
}
