package io.vstack.disks.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.storage.StorageBackend;
import io.vstack.disks.internal.TestSupport.FakeHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
        return newService(Duration.ofSeconds(30));
    }

    /** A manager over {@link #dir} with filter timeout {@code filterTimeout}, as after a restart. */
    DiskService newService(Duration filterTimeout) {
        DiskService s = new DiskService(dir, filterTimeout, disk -> () -> { });
        backends().forEach(s::backendAdded);
        s.hostAdded(new FakeHost("esx1"));
        s.hostAdded(new FakeHost("esx2"));
        services.add(s);
        return s;
    }

    /** Asserts that {@code e}'s message is one line that contains {@code expected}. */
    static void assertOneLine(String expected, Exception e) {
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** Waits for {@code condition}, at most 30 s. */
    static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Object monitor = new Object();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 30 s");
            }
            synchronized (monitor) {
                monitor.wait(5);
            }
        }
    }
}
