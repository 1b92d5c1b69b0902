package io.vstack.api.memory;

/**
 * An address, offset or length that is negative, overflowing, not page-aligned where it must be,
 * or outside what it addresses (an address space, a handle, a region), or a slice that would
 * cross a section boundary. Nothing was mapped or changed.
 */
public class InvalidRangeException extends AddressSpaceException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message naming the space, handle or region and the range. */
    public InvalidRangeException(String message) {
        super(message);
    }
}
