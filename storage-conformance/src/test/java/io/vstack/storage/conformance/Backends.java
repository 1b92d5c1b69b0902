package io.vstack.storage.conformance;

import io.vstack.api.storage.StorageBackend;
import io.vstack.storage.cloud.internal.CloudFixture;
import io.vstack.storage.local.internal.LocalFixture;
import io.vstack.storage.nfs.internal.NfsBackend;
import io.vstack.storage.pool.internal.PoolFixture;
import io.vstack.storage.san.internal.SanBackend;
import io.vstack.storage.vsan.internal.VsanFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Named;

/** The backends the suite runs over: one line each. */
final class Backends {

    static final long CAPACITY = 64L << 20;

    private Backends() {
    }

    static List<Named<Function<Path, BackendFixture>>> all() {
        return List.of(
                Named.of("local", dir -> new LocalFixture(dir, CAPACITY)),
                Named.of("san", dir -> new SanFixture(dir)),
                Named.of("nfs", dir -> new NfsFixture(dir)),
                Named.of("vsan", dir -> new VsanFixture(dir, CAPACITY)),
                Named.of("cloud", dir -> new CloudFixture(dir, CAPACITY)),
                Named.of("pool", dir -> new PoolFixture(dir, CAPACITY)));
    }

    /** SAN: two paths; the fault is one path down, which I/O rides over. */
    static final class SanFixture implements BackendFixture {
        private final Path dir;
        private SanBackend san;

        SanFixture(Path dir) {
            this.dir = dir;
            this.san = (SanBackend) reopenUnchecked();
        }

        private StorageBackend reopenUnchecked() {
            try {
                san = new SanBackend("array1", dir, CAPACITY, 2, Duration.ZERO);
                return san;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override public String name() { return "san-array1"; }
        @Override public StorageBackend backend() { return san; }
        @Override public StorageBackend reopen() { return reopenUnchecked(); }
        @Override public long capacity() { return CAPACITY; }
        @Override public void injectFault() { san.simulatePath("path0", null, true); }
        @Override public boolean toleratesFault() { return true; }
        @Override public void heal() { san.simulatePath("path0", null, false); }
        @Override public void close() { }
    }

    /** NFS: the fault is the server not responding, which fails calls with a clear error. */
    static final class NfsFixture implements BackendFixture {
        private final Path dir;
        private NfsBackend nfs;

        NfsFixture(Path dir) {
            this.dir = dir;
            reopen();
        }

        @Override public String name() { return "nfs-nfs1"; }
        @Override public StorageBackend backend() { return nfs; }

        @Override
        public StorageBackend reopen() {
            try {
                nfs = new NfsBackend("nfs1", dir, CAPACITY, 1 << 20, Duration.ZERO);
                return nfs;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override public long capacity() { return CAPACITY; }
        @Override public void injectFault() { nfs.simulateServer(null, true); }
        @Override public boolean toleratesFault() { return false; }
        @Override public void heal() { nfs.simulateServer(null, false); }
        @Override public void close() { }
    }
}
