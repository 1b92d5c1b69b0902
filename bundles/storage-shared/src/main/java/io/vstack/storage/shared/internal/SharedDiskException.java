package io.vstack.storage.shared.internal;

import io.vstack.api.storage.StorageException;

/** The shared-disk server refused a request; {@link #status} is its {@link Rsvd} status. */
final class SharedDiskException extends StorageException {
    private static final long serialVersionUID = 1L;
    final int status;

    SharedDiskException(int status, String message) {
        super(message);
        this.status = status;
    }
}
