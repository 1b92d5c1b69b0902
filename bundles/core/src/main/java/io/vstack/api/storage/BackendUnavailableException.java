package io.vstack.api.storage;

/** The backend cannot be reached or is down (a failed path, host or endpoint). */
public class BackendUnavailableException extends StorageException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the backend, the store and the reason. */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the failure underneath. */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
