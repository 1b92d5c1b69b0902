package io.vstack.api.storage;

import io.vstack.api.io.IoException;

/** Root of the storage failures: the message names the backend and the store. */
public class StorageException extends IoException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the backend, the store and the reason. */
    public StorageException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the failure underneath. */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
