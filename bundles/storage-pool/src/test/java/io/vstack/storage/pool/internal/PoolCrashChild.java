package io.vstack.storage.pool.internal;

import io.vstack.api.storage.StorageException;
import io.vstack.api.storage.StoreSpec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

/**
 * The process {@link PoolCrashTest} kills with {@code kill -9}: it opens a pool and allocates,
 * writes, trims, flushes, deletes and recreates disks in a loop, checkpointing often, and prints
 * {@code round <n>} as it goes, until it is killed.
 * <p>Arguments: the pool file, its size in blocks, the pool block, a seed.
 */
public final class PoolCrashChild {

    private PoolCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int block = Integer.parseInt(args[2]);
        PoolSpec spec = new PoolSpec("crash", file, Long.parseLong(args[1]) * block, block, 0, PoolSpec.OnFull.ERROR, 0);
        Random random = new Random(Long.parseLong(args[3]));
        TempPool pool = TempPool.open("pool", spec, null, Duration.ZERO, 16 << 10);
        long diskSize = 16L * block;
        PoolStore[] disks = new PoolStore[4];
        for (int i = 0; i < disks.length; i++) {
            String id = "d" + i;
            disks[i] = pool.has(id) ? pool.openStore(id) : pool.createStore(new StoreSpec(id, diskSize, 512, "esx1"));
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect(2 * block);
        for (long round = 0; ; round++) {
            for (int op = 0; op < 20; op++) {
                int d = random.nextInt(disks.length);
                PoolStore disk = disks[d];
                int kind = random.nextInt(10);
                try {
                    if (kind < 6) {
                        int length = 512 * (1 + random.nextInt(2 * block / 512));
                        long offset = 512L * random.nextInt((int) ((diskSize - length) / 512) + 1);
                        buffer.clear().limit(length);
                        while (buffer.hasRemaining()) {
                            buffer.put((byte) (d + 1));
                        }
                        buffer.flip();
                        disk.write(offset, buffer);
                    } else if (kind < 8) {
                        long offset = (long) block * random.nextInt(16);
                        disk.trim(offset, Math.min(diskSize - offset, (long) block * (1 + random.nextInt(3))));
                    } else if (kind < 9) {
                        disk.flush();
                    } else {
                        disk.close();
                        pool.deleteStore(disk.id());
                        disks[d] = pool.createStore(new StoreSpec(disk.id(), diskSize, 512, "esx1"));
                    }
                } catch (StorageException full) {
                    // the pool is full: trim something and go on
                    disk.trim(0, diskSize);
                }
            }
            System.out.println("round " + round);
            System.out.flush();
        }
    }
}
