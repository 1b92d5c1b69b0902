package io.vstack.api.memory;

/** A new mapping would overlap an existing one (or the per-CPU alias window); nothing was mapped. */
public class OverlappingMappingException extends AddressSpaceException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the space and the address or range. */
    public OverlappingMappingException(String message) {
        super(message);
    }
}
