package io.vstack.storage.nfs.internal;

import io.vstack.api.storage.StorageException;

/** ESTALE: the file an open handle refers to was removed (or replaced) on the server. */
final class StaleHandleException extends StorageException {
    private static final long serialVersionUID = 1L;

    StaleHandleException(String message) {
        super(message);
    }
}
