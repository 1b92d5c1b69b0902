package io.vstack.storage.cloud.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.storage.BackendStatus.Health;
import io.vstack.api.storage.BackendUnavailableException;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StoreSpec;
import io.vstack.api.testing.Configs;
import io.vstack.api.testing.LogLines;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudBackendTest {

    @TempDir
    static Path dir;

    static S3Server server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new S3Server(dir.resolve("s3"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private static CloudBackend backend(String bucket, String cache) {
        return new CloudBackend(CloudConfig.parse(server.endpoint().toString(), bucket, "us-east-1",
                S3Server.ACCESS_KEY, S3Server.SECRET_KEY, "1M", cache, "1G"));
    }

    private static ByteBuffer pattern(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return ByteBuffer.wrap(bytes);
    }

    private static byte[] read(BlockStore store, long offset, int length) throws Exception {
        ByteBuffer dst = ByteBuffer.allocate(length);
        store.read(offset, dst);
        return dst.array();
    }

    private static long objects(String bucket) throws Exception {
        try (Stream<Path> files = Files.walk(dir.resolve("s3").resolve(bucket))) {
            return files.filter(Files::isRegularFile).filter(f -> f.toString().contains("/c/")).count();
        }
    }

    @Test
    void blocksAreChunkObjectsWithReadModifyWriteOfPartialChunks() throws Exception {
        try (CloudBackend cloud = backend("rmw", "0")) {
            BlockStore store = cloud.create(new StoreSpec("db1", 8 << 20, 4096, "esx1"));
            assertEquals(0, objects("rmw"), "nothing written, no chunk object");
            store.write((1 << 20) - 4096, pattern(8192, 1));       // straddles chunks 0 and 1
            store.write(3 << 20, pattern(1 << 20, 2));              // exactly chunk 3
            assertEquals(3, objects("rmw"));
            assertArrayEquals(pattern(8192, 1).array(), read(store, (1 << 20) - 4096, 8192));
            assertArrayEquals(pattern(1 << 20, 2).array(), read(store, 3 << 20, 1 << 20));
            assertArrayEquals(new byte[4096], read(store, 0, 4096), "the rest of a partly written chunk is zeros");
            store.write(3 << 20, pattern(512, 3));                 // RMW inside chunk 3
            byte[] expected = pattern(1 << 20, 2).array();
            System.arraycopy(pattern(512, 3).array(), 0, expected, 0, 512);
            assertArrayEquals(expected, read(store, 3 << 20, 1 << 20));
            store.trim(3 << 20, 1 << 20);
            assertEquals(2, objects("rmw"), "a trimmed whole chunk is deleted");
            assertArrayEquals(new byte[4096], read(store, 3 << 20, 4096));
            store.close();
            assertEquals(Health.HEALTHY, cloud.status().health());
            assertTrue(cloud.status().detail().contains("1 stores"), cloud.status().detail());
        }
    }

    @Test
    void killedServerLosesNoAcknowledgedWriteAndTheErrorNamesTheBackend() throws Exception {
        try (CloudBackend cloud = backend("killed", "0")) {
            BlockStore store = cloud.create(new StoreSpec("db1", 4 << 20, 4096, "esx1"));
            for (int i = 0; i < 16; i++) {
                store.write(i * 65536L, pattern(4096, i));
            }
            server.stop();
            try {
                BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                        () -> store.write(0, pattern(4096, 99)));
                assertTrue(e.getMessage().startsWith("cloud-killed: store db1: "), e.getMessage());
                assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
                assertEquals(Health.DOWN, cloud.status().health());
            } finally {
                server.start();
            }
            for (int i = 0; i < 16; i++) {
                assertArrayEquals(pattern(4096, i).array(), read(store, i * 65536L, 4096), "block " + i);
            }
            store.close();
        }
    }

    @Test
    void writeBackCacheHoldsWritesUntilFlushAndSurvivesAnOutage() throws Exception {
        try (CloudBackend cloud = backend("cached", "4M")) {
            BlockStore store = cloud.create(new StoreSpec("db1", 16 << 20, 4096, "esx1"));
            store.write(4096, pattern(4096, 1));
            assertEquals(0, objects("cached"), "in the cache only");
            server.stop();
            try {
                assertThrows(BackendUnavailableException.class, store::flush);
            } finally {
                server.start();
            }
            store.flush();
            assertEquals(1, objects("cached"));
            for (int chunk = 0; chunk < 8; chunk++) {
                store.write(chunk * (1L << 20), pattern(4096, 10 + chunk));
            }
            assertTrue(objects("cached") >= 4, "chunks beyond the cache were evicted to S3");
            store.close();
            try (BlockStore reopened = cloud.open("db1", "esx2")) {
                assertArrayEquals(pattern(4096, 1).array(), read(reopened, 4096, 4096));
                for (int chunk = 0; chunk < 8; chunk++) {
                    assertArrayEquals(pattern(4096, 10 + chunk).array(), read(reopened, chunk * (1L << 20), 4096));
                }
            }
        }
    }

    /** Two backends (or a create beside the health probe) finding no bucket at once both create it: neither fails. */
    @Test
    void aBucketCreatedMeanwhileByAnotherCallerIsUsed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String bucket = "race-" + round;
                try (CloudBackend a = backend(bucket, "0"); CloudBackend b = backend(bucket, "0")) {
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<?>> creates = new ArrayList<>();
                    for (CloudBackend cloud : List.of(a, b)) {
                        String id = cloud == a ? "from-a" : "from-b";
                        creates.add(pool.submit(() -> {
                            go.await();
                            cloud.create(new StoreSpec(id, 1 << 20, 4096, "esx1")).close();
                            return null;
                        }));
                    }
                    go.countDown();
                    for (Future<?> create : creates) {
                        create.get(60, TimeUnit.SECONDS);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unconfiguredBackendIsDownAndSaysWhy() throws Exception {
        try (CloudBackend cloud = new CloudBackend(CloudConfig.parse("", "vstack", "us-east-1", "", "", "1M", "0", "1T"))) {
            assertEquals(Health.DOWN, cloud.status().health());
            assertEquals("no endpoint configured: set endpoint in etc/io.vstack.storage.cloud.cfg", cloud.status().detail());
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> cloud.create(new StoreSpec("a", 1 << 20, 512, "esx1")));
            assertEquals("cloud-vstack: no endpoint configured: set endpoint in etc/io.vstack.storage.cloud.cfg",
                    e.getMessage());
        }
    }

    @Test
    void badConfigurationNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CloudConfig.parse("", "vstack", "us-east-1", "", "", "3M", "0", "1T"));
        assertEquals("io.vstack.storage.cloud: key 'chunkSize': 3M must be 1M, 2M or 4M", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CloudConfig.parse("ftp://x", "vstack", "us-east-1", "", "", "1M", "0", "1T"));
        assertTrue(e.getMessage().startsWith("io.vstack.storage.cloud: key 'endpoint': "), e.getMessage());
    }

    @Test
    void aBadValueChangesNothingAndAnEndpointSetLaterApplies() throws Exception {
        AtomicReference<CloudBackend> started = new AtomicReference<>();
        List<String> startLog = LogLines.warnings(() -> started.set(new CloudBackend(Configs.of(CloudBackend.Config.class,
                "endpoint", server.endpoint().toString(), "chunkSize", "3M"))));
        assertEquals(List.of("io.vstack.storage.cloud: key 'chunkSize': 3M must be 1M, 2M or 4M; configuration refused, "
                + "starting with the defaults"), startLog);
        try (CloudBackend cloud = started.get()) {
            assertEquals(Health.DOWN, cloud.status().health());
            cloud.modified(Configs.of(CloudBackend.Config.class, "endpoint", server.endpoint().toString(), "bucket", "later",
                    "accessKey", S3Server.ACCESS_KEY, "secretKey", S3Server.SECRET_KEY, "capacity", "1G"));
            assertEquals(Health.HEALTHY, cloud.status().health(), cloud.status().detail());
            CloudConfig before = cloud.config();
            List<String> log = LogLines.warnings(() -> {
                cloud.modified(Configs.of(CloudBackend.Config.class, "endpoint", server.endpoint().toString(), "bucket",
                        "later", "accessKey", S3Server.ACCESS_KEY, "secretKey", S3Server.SECRET_KEY, "capacity", "abc"));
                cloud.modified(Configs.of(CloudBackend.Config.class, "endpoint", server.endpoint().toString(), "bucket",
                        "later", "accessKey", S3Server.ACCESS_KEY, "secretKey", "other", "capacity", "1G"));
            });
            assertEquals(2, log.size(), log.toString());
            assertTrue(log.get(0).startsWith("io.vstack.storage.cloud: key 'capacity': "), log.get(0));
            assertEquals("io.vstack.storage.cloud: key 'secretKey': cannot change while running (running with (secret), "
                    + "configured (another secret)); it applies when the bundle restarts; configuration refused, keeping the "
                    + "previous one", log.get(1));
            assertEquals(before, cloud.config());
        }
    }
}
