package io.vstack.api.io;

/**
 * The I/O failed because a filter attached to the disk is not present (its bundle is gone, not
 * started, refused by trust, or could not be created) and its
 * {@link io.vstack.api.filter.MissingFilterPolicy} does not let I/O bypass it. Nothing reached
 * the storage; the caller may retry once the filter is back.
 */
public class FilterUnavailableException extends IoException {
    private static final long serialVersionUID = 1L;
    private final String filter;

    /** Creates the exception for the missing filter {@code filter}. */
    public FilterUnavailableException(String filter, String message) {
        super(message);
        this.filter = filter;
    }

    /** The name of the filter that is not present. */
    public String filter() {
        return filter;
    }
}
