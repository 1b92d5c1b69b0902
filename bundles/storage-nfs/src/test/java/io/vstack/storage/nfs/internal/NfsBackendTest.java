package io.vstack.storage.nfs.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NfsBackendTest {

    @TempDir
    Path dir;

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

    @Test
    void closeToOpenConsistency() throws Exception {
        NfsBackend nfs = new NfsBackend("e1", dir, 1 << 30, 1 << 20, Duration.ZERO);
        nfs.create(new StoreSpec("db1", 1 << 20, 512, "esx1")).close();
        BlockStore writer = nfs.open("db1", "esx1");
        writer.write(1000, pattern(3000, 1));
        assertArrayEquals(pattern(3000, 1).array(), read(writer, 1000, 3000), "a client reads its own writes");

        BlockStore early = nfs.open("db1", "esx1");
        assertArrayEquals(new byte[3000], read(early, 1000, 3000),
                "an open before the writer's close need not see its cached writes (and here does not)");
        early.close();

        writer.close();
        BlockStore after = nfs.open("db1", "esx1");
        assertArrayEquals(pattern(3000, 1).array(), read(after, 1000, 3000), "an open after the close sees them");
        after.close();
    }

    @Test
    void advisoryLockIsRecordedWithTheOwnerHostAndRefusesAnotherHost() throws Exception {
        NfsBackend nfs = new NfsBackend("e1", dir, 1 << 30, 1 << 20, Duration.ZERO);
        BlockStore owner = nfs.create(new StoreSpec("db1", 1 << 20, 512, "esx1"));
        assertEquals("esx1", NfsBackend.lockOwner(dir.resolve("db1.lck")));
        LockedException e = assertThrows(LockedException.class, () -> nfs.open("db1", "esx2"));
        assertEquals("nfs-e1: file db1 is locked by host esx1 (advisory lock in db1.lck); close it there first",
                e.getMessage());
        BlockStore second = nfs.open("db1", "esx1");
        owner.close();
        assertEquals(Map.of("db1", "esx1"), nfs.lockOwners(), "still held by the host's other open");
        second.close();
        assertFalse(Files.exists(dir.resolve("db1.lck")));
        nfs.open("db1", "esx2").close();
    }

    @Test
    void fileRemovedUnderneathGivesAStaleHandle() throws Exception {
        NfsBackend nfs = new NfsBackend("e1", dir, 1 << 30, 0, Duration.ZERO);
        BlockStore file = nfs.create(new StoreSpec("db1", 1 << 20, 512, "esx1"));
        file.write(0, pattern(512, 1));
        Files.delete(dir.resolve("db1.img"));
        StaleHandleException e = assertThrows(StaleHandleException.class, () -> read(file, 0, 512));
        assertTrue(e.getMessage().startsWith("nfs-e1: file db1 (opened by esx1): stale file handle (ESTALE)"),
                e.getMessage());
    }

    @Test
    void serverDownFailsCallsAndTheCacheKeepsAcknowledgedWritesUntilItReturns() throws Exception {
        NfsBackend nfs = new NfsBackend("e1", dir, 1 << 30, 1 << 20, Duration.ZERO);
        BlockStore file = nfs.create(new StoreSpec("db1", 1 << 20, 4096, "esx1"));
        file.write(8192, pattern(8192, 5));
        nfs.simulateServer(null, true);
        assertEquals(Health.DOWN, nfs.status().health());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, file::close);
        assertEquals("nfs-e1: WRITE db1 failed: NFS server not responding (simulated)", e.getMessage());
        nfs.simulateServer(null, false);
        file.close();
        try (BlockStore reopened = nfs.open("db1", "esx2")) {
            assertArrayEquals(pattern(8192, 5).array(), read(reopened, 8192, 8192));
        }
    }

    @Test
    void dirtyPagesBeyondTheCacheAreWrittenBack() throws Exception {
        NfsBackend nfs = new NfsBackend("e1", dir, 1 << 30, 16 * NfsFile.PAGE, Duration.ZERO);
        try (BlockStore file = nfs.create(new StoreSpec("db1", 1 << 20, 4096, "esx1"))) {
            file.write(0, pattern(64 * NfsFile.PAGE, 9));
            assertTrue(((NfsFile) file).dirtyPages() <= 16);
            byte[] onServer = new byte[64 * NfsFile.PAGE];
            System.arraycopy(Files.readAllBytes(dir.resolve("db1.img")), 0, onServer, 0, onServer.length);
            assertArrayEquals(pattern(64 * NfsFile.PAGE, 9).array(), onServer);
        }
    }

    @Test
    void aBadValueAtTheFirstStartStartsTheExportWithItsDefaults() throws Exception {
        List<String> log = LogLines.warnings(() -> {
            NfsBackend nfs = new NfsBackend(Configs.of(NfsBackend.Config.class, "capacity", "abc"), dir);
            assertEquals(100L << 30, nfs.status().capacity());
        });
        assertEquals(List.of("io.vstack.storage.nfs: key 'capacity': 'abc' is not a size: expected a size like 4096, 64M "
                + "or 10G; configuration refused, starting with the defaults"), log);
    }

    @Test
    void aBadValueChangesNothingAndAGoodOneAppliesInPlace() throws Exception {
        NfsBackend nfs = new NfsBackend(Configs.of(NfsBackend.Config.class, "capacity", "1G"), dir);
        NfsBackend.Settings before = nfs.settings();
        List<String> log = LogLines.warnings(() -> {
            nfs.modified(Configs.of(NfsBackend.Config.class, "capacity", "1G", "serverLatency", "-1"));
            nfs.modified(Configs.of(NfsBackend.Config.class, "capacity", "1G", "directory", "/proc/self"));
        });
        assertEquals(2, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("io.vstack.storage.nfs: key 'serverLatency': "), log.get(0));
        assertEquals("io.vstack.storage.nfs: key 'directory': /proc/self is in /proc, not a directory vstack may write; "
                + "configuration refused, keeping the previous one", log.get(1));
        assertEquals(before, nfs.settings());

        nfs.modified(Configs.of(NfsBackend.Config.class, "capacity", "2G", "serverLatency", "1ms"));
        assertEquals(2L << 30, nfs.status().capacity());
        assertEquals("up latency=1ms", nfs.server.describe());
    }
}
