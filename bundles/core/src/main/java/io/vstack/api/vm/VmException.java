package io.vstack.api.vm;

/** A VM operation was refused or failed; the one-line message says why, and nothing was changed. */
public class VmException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message naming the VM and the reason. */
    public VmException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the failure underneath. */
    public VmException(String message, Throwable cause) {
        super(message, cause);
    }
}
