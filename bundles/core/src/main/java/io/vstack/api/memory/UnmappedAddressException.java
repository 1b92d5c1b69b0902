package io.vstack.api.memory;

/** An access, or an operation that needs a mapping, met an address no mapping covers (a segmentation fault). */
public class UnmappedAddressException extends AddressSpaceException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the space and the address or range. */
    public UnmappedAddressException(String message) {
        super(message);
    }
}
