package io.vstack.api.storage;

/** The named store does not exist on the backend. */
public class StoreNotFoundException extends StorageException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the backend, the store and the reason. */
    public StoreNotFoundException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the failure underneath. */
    public StoreNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
