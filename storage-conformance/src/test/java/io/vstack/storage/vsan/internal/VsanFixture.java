package io.vstack.storage.vsan.internal;

import io.vstack.api.testing.FakeHosts;
import io.vstack.api.storage.StorageBackend;
import io.vstack.storage.conformance.BackendFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** vSAN over three fake hosts, one failure tolerated; the fault is a host's local0 down, which I/O rides over. */
public final class VsanFixture implements BackendFixture {

    private final Path dir;
    private final FakeHosts hosts;
    private final long hostCapacity;
    private VsanBackend vsan;

    public VsanFixture(Path dir, long capacity) {
        this.dir = dir;
        this.hostCapacity = capacity;
        try {
            this.hosts = FakeHosts.withLocalDevices(dir, capacity, "esx1", "esx2");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reopen();
    }

    @Override public String name() { return "vsan"; }
    @Override public StorageBackend backend() { return vsan; }

    @Override
    public StorageBackend reopen() {
        if (vsan != null) {
            vsan.close();
        }
        try {
            vsan = new VsanBackend(hosts, dir.resolve("cluster"), 1, List.of(), Duration.ZERO);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return vsan;
    }

    @Override public long capacity() { return hostCapacity; }
    @Override public void injectFault() { hosts.knobs("esx2").setDown(true); }
    @Override public boolean toleratesFault() { return true; }

    @Override
    public void heal() throws Exception {
        hosts.knobs("esx2").setDown(false);
        vsan.resyncNow();
        if (vsan.status().detail().contains("stale")) {
            throw new AssertionError("still stale after a resync: " + vsan.status().detail());
        }
    }

    @Override
    public void close() {
        vsan.close();
    }
}
