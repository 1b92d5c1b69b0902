package io.vstack.api.io;

/**
 * The I/O failed because a filter threw or failed it. Only this request failed; the disk stays
 * consistent and the filter stays attached.
 */
public class FilterFailedException extends IoException {
    private static final long serialVersionUID = 1L;
    private final String filter;

    /** Creates the exception for filter {@code filter}, with the failure it raised. */
    public FilterFailedException(String filter, String message, Throwable cause) {
        super(message, cause);
        this.filter = filter;
    }

    /** The name of the filter that failed the request. */
    public String filter() {
        return filter;
    }
}
