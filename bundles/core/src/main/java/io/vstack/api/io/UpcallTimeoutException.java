package io.vstack.api.io;

/**
 * The I/O failed because a filter's upcall gave no result within the attachment's
 * {@code upcallTimeout}: the I/O thread stopped waiting at the deadline, the user function's
 * thread was interrupted and its late result is discarded. For a write the outcome below the
 * filter is unknown (as after any failed write): the caller should write again.
 */
public class UpcallTimeoutException extends UpcallFailedException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception for filter {@code filter}, whose upcall hung. */
    public UpcallTimeoutException(String filter, String message) {
        super(filter, message, null);
    }
}
