package io.vstack.api.memory;

/** An address or length that is negative, not page aligned, overflowing, or outside the space; nothing was changed. */
public class InvalidRangeException extends AddressSpaceException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the space and the address or range. */
    public InvalidRangeException(String message) {
        super(message);
    }
}
