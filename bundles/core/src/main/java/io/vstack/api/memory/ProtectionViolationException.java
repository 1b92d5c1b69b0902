package io.vstack.api.memory;

/** An access the covering mapping's {@link Protection} does not allow. */
public class ProtectionViolationException extends AddressSpaceException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the space and the address or range. */
    public ProtectionViolationException(String message) {
        super(message);
    }
}
