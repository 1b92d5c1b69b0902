package io.vstack.storage.commands.internal;

import io.vstack.api.storage.BackendStatus;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageBackend;
import io.vstack.api.storage.StoreSpec;
import java.util.function.Supplier;

/**
 * A backend the tests of the storage commands and metrics see only through its status (what
 * those read); it holds no stores. A status supplier that throws stands for a backend going away.
 */
public final class StatusOnlyBackend implements StorageBackend {

    private final Supplier<BackendStatus> status;

    public StatusOnlyBackend(Supplier<BackendStatus> status) {
        this.status = status;
    }

    @Override
    public BackendType type() {
        return status.get().type();
    }

    @Override
    public BlockStore create(StoreSpec spec) {
        throw new UnsupportedOperationException("a status-only test backend holds no stores");
    }

    @Override
    public BlockStore open(String storeId, String host) {
        throw new UnsupportedOperationException("a status-only test backend holds no stores");
    }

    @Override
    public void delete(String storeId) {
        throw new UnsupportedOperationException("a status-only test backend holds no stores");
    }

    @Override
    public BackendStatus status() {
        return status.get();
    }
}
