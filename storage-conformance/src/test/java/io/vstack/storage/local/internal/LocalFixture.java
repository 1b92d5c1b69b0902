package io.vstack.storage.local.internal;

import io.vstack.api.storage.StorageBackend;
import io.vstack.api.testing.FakeHosts;
import io.vstack.storage.conformance.BackendFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Local: sparse files on host esx1's local0; the fault is that device down, which fails I/O with a clear error. */
public final class LocalFixture implements BackendFixture {

    private final Path dir;
    private final long capacity;
    private final FakeHosts hosts;
    private LocalStorageBackend local;

    public LocalFixture(Path dir, long capacity) {
        this.dir = dir;
        this.capacity = capacity;
        try {
            this.hosts = FakeHosts.withLocalDevices(dir, capacity, "esx1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reopen();
    }

    @Override public String name() { return LocalStorageBackend.NAME; }
    @Override public StorageBackend backend() { return local; }

    @Override
    public StorageBackend reopen() {
        local = new LocalStorageBackend(hosts, dir.resolve("fallback"), false);
        return local;
    }

    @Override public long capacity() { return capacity; }
    @Override public void injectFault() { hosts.knobs("esx1").setDown(true); }
    @Override public boolean toleratesFault() { return false; }
    @Override public void heal() { hosts.knobs("esx1").setDown(false); }
    @Override public void close() { }
}
