package io.vstack.api.memory;

/**
 * A failure of an {@link AddressSpace} operation; the subtype names the reason. The space stays
 * consistent and usable after any of them: a failed operation changed nothing.
 */
public class AddressSpaceException extends MemoryException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the space and the address or range. */
    public AddressSpaceException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the cause. */
    public AddressSpaceException(String message, Throwable cause) {
        super(message, cause);
    }
}
