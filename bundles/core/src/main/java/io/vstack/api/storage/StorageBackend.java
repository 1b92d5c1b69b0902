package io.vstack.api.storage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A storage backend: creates, opens and deletes the {@link BlockStore}s of virtual disks.
 * Registered as a service with {@link #TYPE_PROPERTY} set to its {@link BackendType#id()};
 * the disk manager finds backends by whiteboard.
 * <p><b>Threads.</b> Thread-safe; methods block on the backend's I/O. Failures are
 * {@link StorageException}s naming the backend.
 */
@ConsumerType
public interface StorageBackend {

    /** Service property holding the backend's type id ({@code local}, {@code san}, ...). */
    String TYPE_PROPERTY = "vstack.storage.type";

    /** The backend's type. */
    BackendType type();

    /**
     * Creates a new, zero-filled store.
     *
     * @throws StoreExistsException if a store with this id exists
     * @throws CapacityExceededException if the backend has no room for it
     */
    BlockStore create(StoreSpec spec) throws StorageException;

    /**
     * Opens an existing store, for use by the host {@code host}.
     *
     * @throws StoreNotFoundException if there is no such store
     */
    BlockStore open(String storeId, String host) throws StorageException;

    /**
     * Deletes a store and its data. The caller has closed every open handle to it.
     *
     * @throws StoreNotFoundException if there is no such store
     */
    void delete(String storeId) throws StorageException;

    /** The backend's capacity, use and health right now. */
    BackendStatus status();
}
