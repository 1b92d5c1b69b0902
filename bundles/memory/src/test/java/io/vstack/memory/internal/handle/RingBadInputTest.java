package io.vstack.memory.internal.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.testing.InMemoryDisk;
import io.vstack.api.testing.InMemoryDiskManager;
import io.vstack.memory.internal.handle.MemoryClient.Completion;
import io.vstack.memory.internal.handle.Wire.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzed descriptors on the ring (offsets and lengths beyond the handle, negative and overflowing
 * values, unknown handles, disks and ops, forged and unknown tokens): each fails alone with a named
 * status, and another client of the same server is served correctly all along.
 */
class RingBadInputTest {

    @TempDir
    Path dir;

    @Test
    void fuzzedDescriptorsFailAloneAndAnotherClientGoesOn() throws Exception {
        InMemoryDiskManager disks = new InMemoryDiskManager();
        disks.add(new InMemoryDisk("d1", 8L << 20, 4096));
        try (Broker broker = new Broker(dir.resolve("state"), dir.resolve("regions"), 2L << 20, Clock.systemUTC(), new CopyMeter());
             RingServer server = new RingServer(broker, dir.resolve("regions").resolve("memory.sock"), () -> disks, 4)) {
            server.start();
            try (MemoryClient fuzzer = new MemoryClient(server.socket(), "fuzzer");
                 MemoryClient good = new MemoryClient(server.socket(), "good")) {
                fuzzer.createRegion(8L << 20);
                String token = fuzzer.grant(0, 8L << 20, "ro");
                assertTrue(refused(fuzzer, "HANDLE " + token.substring(0, token.length() - 2) + "AA"));
                assertTrue(refused(fuzzer, "HANDLE vmg1.x.y"));
                assertTrue(refused(fuzzer, "GRANT " + fuzzer.regionId() + " -4096 4096"));
                assertTrue(refused(fuzzer, "GRANT " + fuzzer.regionId() + " 0 " + Long.MAX_VALUE));
                assertTrue(refused(fuzzer, "REGION 12"));
                assertTrue(refused(fuzzer, "DISK nosuchdisk"));
                long handle = fuzzer.handle(token);
                int disk = fuzzer.disk("d1");
                fuzzer.openRing(16);

                good.createRegion(4L << 20);
                PagePattern.fill(good.window(0), 0);
                long goodHandle = good.handle(good.grant(0, 4L << 20));
                good.openRing(16);
                long expected = WordSum.update(WordSum.SEED, good.window(0).limit(65536));

                long[] values = {0, 1, -1, 4096, (8L << 20) - 1, 8L << 20, (8L << 20) + 1, Long.MAX_VALUE, Long.MIN_VALUE,
                    Long.MAX_VALUE - 1, Integer.MAX_VALUE, 1L << 32};
                SplittableRandom random = new SplittableRandom(7);
                Map<Status, Integer> seen = new EnumMap<>(Status.class);
                for (int i = 0; i < 20_000; i++) {
                    int op = random.nextInt(7) - 1;
                    long h = random.nextInt(4) == 0 ? random.nextLong() : handle;
                    int d = random.nextInt(4) == 0 ? random.nextInt() : disk;
                    long offset = random.nextBoolean() ? values[random.nextInt(values.length)] : random.nextLong();
                    long length = random.nextBoolean() ? values[random.nextInt(values.length)] : random.nextLong();
                    Completion c = fuzzer.call(op, h, d, offset, length, values[random.nextInt(values.length)]);
                    seen.merge(c.status(), 1, Integer::sum);
                    if (i % 100 == 0) {
                        Completion sum = good.call(Wire.OP_SUM, goodHandle, 0, 0, 65536, 0);
                        assertEquals(Status.OK, sum.status());
                        assertEquals(expected, sum.result());
                    }
                }
                assertNotEquals(null, seen.get(Status.INVALID_RANGE), seen.toString());
                assertNotEquals(null, seen.get(Status.UNKNOWN_HANDLE), seen.toString());
                assertNotEquals(null, seen.get(Status.BAD_OP), seen.toString());
                assertNotEquals(null, seen.get(Status.READ_ONLY), seen.toString());
                assertEquals(null, seen.get(Status.INTERNAL), seen.toString());
                assertEquals(Status.OK, fuzzer.call(Wire.OP_NOP, 0, 0, 0, 0, 0).status());
            }
        }
    }

    private static boolean refused(MemoryClient client, String request) {
        try {
            client.call(request);
            return false;
        } catch (IOException e) {
            return !e.getMessage().contains("Exception") && !e.getMessage().contains("\n");
        }
    }
}
