package io.vstack.api.memory;

/**
 * An offset or length is outside what it addresses (beyond a handle or region, negative,
 * overflowing, not page-aligned where it must be), or a slice would cross a section boundary.
 * Nothing was mapped or changed.
 */
public class InvalidRangeException extends MemoryException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message. */
    public InvalidRangeException(String message) {
        super(message);
    }
}
