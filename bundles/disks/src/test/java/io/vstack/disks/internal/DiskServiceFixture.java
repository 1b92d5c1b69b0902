package io.vstack.disks.internal;

import io.vstack.api.storage.StorageBackend;
import io.vstack.disks.internal.TestSupport.FakeHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk manager over a temporary directory, hosts esx1 and esx2 and the test's backends; more
 * managers over the same directory (a restart) with {@link #newService()}; all closed after each test.
 */
abstract class DiskServiceFixture {

    @TempDir
    Path dir;

    final List<DiskService> services = new ArrayList<>();
    final ExecutorService pool = Executors.newCachedThreadPool();
    DiskService service;

    /** The backends every new manager gets, by type. */
    abstract Map<String, StorageBackend> backends();

    @BeforeEach
    void startService() {
        service = newService();
    }

    @AfterEach
    void closeServices() {
        pool.shutdownNow();
        services.forEach(DiskService::close);
    }

    /** A manager over {@link #dir}, as after a restart. */
    DiskService newService() {
        DiskService s = new DiskService(dir, Duration.ofSeconds(30), disk -> () -> { });
        backends().forEach(s::backendAdded);
        s.hostAdded(new FakeHost("esx1"));
        s.hostAdded(new FakeHost("esx2"));
        services.add(s);
        return s;
    }
}
