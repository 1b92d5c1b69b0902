package io.vstack.api.storage;

/** The backend has no room for the store or the write. */
public class CapacityExceededException extends StorageException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the backend, the store and the reason. */
    public CapacityExceededException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the failure underneath. */
    public CapacityExceededException(String message, Throwable cause) {
        super(message, cause);
    }
}
