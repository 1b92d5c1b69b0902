package io.vstack.storage.pool.internal;

import io.vstack.api.storage.StorageBackend;
import io.vstack.api.testing.FakeHosts;
import io.vstack.storage.conformance.BackendFixture;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Pool: one elastic temporary pool of 64 KiB blocks whose file lives on host esx1's local0; the
 * fault is that device down, which fails I/O and commits with a clear error.
 */
public final class PoolFixture implements BackendFixture {

    private final Path dir;
    private final long capacity;
    private final FakeHosts hosts;
    private PoolBackend pools;

    public PoolFixture(Path dir, long capacity) {
        this.dir = dir;
        this.capacity = capacity;
        try {
            this.hosts = FakeHosts.withLocalDevices(dir, capacity, "esx1");
            reopen();
            Path file = hosts.host("esx1").orElseThrow().blockDevice("local0").orElseThrow().path().resolve("conf.pool");
            pools.createPool(new PoolSpec("conf", file, capacity, 64 << 10, 0, PoolSpec.OnFull.ERROR, 0));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override public String name() { return PoolBackend.NAME; }
    @Override public StorageBackend backend() { return pools; }

    @Override
    public StorageBackend reopen() {
        pools = new PoolBackend(hosts, dir.resolve("registry"), "", Duration.ofSeconds(1));
        return pools;
    }

    @Override public long capacity() { return capacity; }
    @Override public void injectFault() { hosts.knobs("esx1").setDown(true); }
    @Override public boolean toleratesFault() { return false; }
    @Override public void heal() { hosts.knobs("esx1").setDown(false); }

    @Override
    public void close() {
        pools.close();
    }
}
