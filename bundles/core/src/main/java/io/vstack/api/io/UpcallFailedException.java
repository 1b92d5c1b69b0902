package io.vstack.api.io;

/**
 * The I/O failed because a filter's upcall (a user function the filter ran off the I/O path
 * through its {@link io.vstack.api.filter.UpcallGateway}) did not give a result: the function
 * threw, the filter's upcall queue was full, or the upcall was aborted because the filter's
 * bundle went away or the filter was detached. Only this request failed; the disk stays
 * consistent. When the attachment says {@code onUpcallFailure=bypass}, the framework passes the
 * request on below the filter instead of failing it.
 */
public class UpcallFailedException extends FilterFailedException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception for filter {@code filter}, with the failure of the user function if it threw. */
    public UpcallFailedException(String filter, String message, Throwable cause) {
        super(filter, message, cause);
    }
}
