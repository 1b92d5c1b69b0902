package io.vstack.storage.pool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.storage.BlockStore;
import io.vstack.api.testing.FakeHosts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code kill -9} of a process that allocates, trims and deletes in a pool, three times
 * over, each at a different moment; after each, the pool's metadata recovers and the checker
 * finds no block owned twice, none leaked, none owned but free, none beyond the clean boundary,
 * and every disk reads only its own bytes or zeros.
 */
class PoolCrashTest {

    private static final int BLOCK = 64 << 10;
    private static final long BLOCKS = 48;

    @TempDir
    Path dir;

    @Test
    void killNineDuringAllocationLeavesNoBlockOwnedTwiceAndNoneLeaked() throws Exception {
        Path registry = dir.resolve("registry");
        PoolBackend backend = new PoolBackend(new FakeHosts(), registry, "", Duration.ofSeconds(1));
        backend.createPool(new PoolSpec("crash", dir.resolve("crash.img"), BLOCKS * BLOCK, BLOCK, 0, PoolSpec.OnFull.ERROR, 0));
        backend.close();
        for (int kill = 0; kill < 6; kill++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), PoolCrashChild.class.getName(),
                    dir.resolve("crash.img").toString(), Long.toString(BLOCKS), Integer.toString(BLOCK),
                    Integer.toString(kill)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String target = "round " + (5 + 7 * kill);
                String line;
                do {
                    line = out.readLine();
                    assertNotNull(line, "the child ended before " + target);
                } while (!line.equals(target));
                child.destroyForcibly();   // SIGKILL on Linux: no shutdown hook, no close, mid-operation
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, child.exitValue(), "killed by SIGKILL");
            }
            PoolBackend recovered = new PoolBackend(new FakeHosts(), registry, "", Duration.ofSeconds(1));
            try {
                PoolCheck check = recovered.check("crash", false);
                assertTrue(check.doubles().isEmpty(), "no block owned twice: " + check.doubles());
                assertEquals(List.of(), check.leaked(), "no leaked block");
                assertEquals(List.of(), check.unmarked(), "no owned block marked free");
                assertEquals(List.of(), check.beyondClean(), "no owned block beyond the clean boundary");
                assertEquals(List.of(), check.anomalies());
                PoolInfo info = recovered.info("crash");
                assertEquals(check.owned(), info.used());
                assertEquals(info.used(), info.disks().stream().mapToLong(PoolInfo.DiskUsage::blocks).sum());
                for (PoolInfo.DiskUsage disk : info.disks()) {
                    byte mine = (byte) (disk.id().charAt(1) - '0' + 1);
                    try (BlockStore store = recovered.open(disk.id(), "esx1")) {
                        ByteBuffer all = ByteBuffer.allocate((int) disk.capacity());
                        store.read(0, all);
                        for (int i = 0; i < all.capacity(); i++) {
                            byte b = all.get(i);
                            if (b != 0 && b != mine) {
                                throw new AssertionError(disk.id() + " byte " + i + " is " + b + ": another disk's byte");
                            }
                        }
                    }
                }
            } finally {
                recovered.close();
            }
        }
    }
}
