package io.vstack.storage.nfs.internal;

import io.vstack.api.storage.StorageException;

/** The file is locked by another host (an advisory lock, recorded in the export with its owner). */
final class LockedException extends StorageException {
    private static final long serialVersionUID = 1L;

    LockedException(String message) {
        super(message);
    }
}
