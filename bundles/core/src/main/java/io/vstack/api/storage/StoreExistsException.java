package io.vstack.api.storage;

/** A store with that id exists already on the backend. */
public class StoreExistsException extends StorageException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the backend, the store and the reason. */
    public StoreExistsException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the failure underneath. */
    public StoreExistsException(String message, Throwable cause) {
        super(message, cause);
    }
}
