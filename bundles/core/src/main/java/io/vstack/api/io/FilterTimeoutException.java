package io.vstack.api.io;

/**
 * The I/O failed because a filter held it longer than the disk manager's {@code filterTimeout}.
 * The framework asked the filter to let go ({@link io.vstack.api.filter.IoFilter#cancel}) and
 * interrupted the thread; whatever the filter completes later is discarded. For a write the
 * outcome below the filter is unknown (as after any failed write): the caller should write again.
 */
public class FilterTimeoutException extends FilterFailedException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception for filter {@code filter}, which held a request too long. */
    public FilterTimeoutException(String filter, String message) {
        super(filter, message, null);
    }
}
