package io.vstack.api.memory;

/**
 * A mapped handle may no longer be used: its grant was revoked, its region's generation changed
 * (a hard revoke replaced the backing file), or the handle was closed.
 */
public class HandleRevokedException extends MemoryException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message. */
    public HandleRevokedException(String message) {
        super(message);
    }
}
