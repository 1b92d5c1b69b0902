package io.vstack.api.memory;

/** An operation that would take away a pinned page (unmap or reclaim it); nothing was changed. */
public class PinnedPageException extends AddressSpaceException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the space and the address or range. */
    public PinnedPageException(String message) {
        super(message);
    }
}
