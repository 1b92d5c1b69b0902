package io.vstack.api.io;

/**
 * The I/O failed because a redirected request (linked storage) would have visited a disk twice
 * or taken more than {@link io.vstack.api.filter.LinkedStorage#MAX_HOPS} hops. The message names
 * the hops. Nothing was done at the disk that refused it.
 */
public class RedirectLoopException extends IoException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the hops. */
    public RedirectLoopException(String message) {
        super(message);
    }
}
