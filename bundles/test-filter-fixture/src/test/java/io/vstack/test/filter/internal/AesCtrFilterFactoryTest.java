package io.vstack.test.filter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.testing.InMemoryDisk;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code aes} fixture filter on the testkit's in-memory disk (the worked example of
 * docs/FILTERS.md): what it stores is not what the caller wrote, the caller reads its bytes back,
 * a never-written block reads as zeros, and the caller's write buffer is left as it was (the disk
 * checks the data contract).
 */
class AesCtrFilterFactoryTest {

    private static final int BLOCK = 4096;
    private static final String KEY = "000102030405060708090a0b0c0d0e0f";

    @TempDir
    Path state;

    @Test
    void storesCiphertextReadsPlaintextAndNeverWrittenBlocksAsZeros() throws Exception {
        InMemoryDisk disk = new InMemoryDisk("crypt", 16 * BLOCK, BLOCK)
                .withFilter(new AesCtrFilterFactory(), Map.of("key", KEY), state);
        ByteBuffer plain = ByteBuffer.allocate(2 * BLOCK);
        for (int i = 0; i < plain.capacity(); i++) {
            plain.put(i, (byte) (i % 251));
        }
        try (DiskHandle handle = disk.open("test")) {
            handle.write(4 * BLOCK, plain.duplicate());
            assertNotEquals(plain, disk.backingStore().slice(4 * BLOCK, 2 * BLOCK), "plaintext reached the store");

            ByteBuffer back = ByteBuffer.allocate(2 * BLOCK);
            handle.read(4 * BLOCK, back);
            assertEquals(plain, back.flip());

            ByteBuffer second = ByteBuffer.allocate(BLOCK);
            handle.read(5 * BLOCK, second);
            assertEquals(plain.slice(BLOCK, BLOCK), second.flip(), "a block decrypts the same whichever request carries it");

            ByteBuffer never = ByteBuffer.allocate(BLOCK);
            handle.read(0, never);
            assertEquals(ByteBuffer.allocate(BLOCK), never.flip());
        }
    }

    @Test
    void refusesAMissingOrMalformedKeyAndUnknownKeys() {
        AesCtrFilterFactory factory = new AesCtrFilterFactory();
        InMemoryDisk disk = new InMemoryDisk("crypt", 16 * BLOCK, BLOCK);
        assertThrows(IllegalArgumentException.class, () -> disk.withFilter(factory, Map.of(), state));
        assertThrows(IllegalArgumentException.class, () -> disk.withFilter(factory, Map.of("key", "xyz"), state));
        assertThrows(IllegalArgumentException.class,
                () -> disk.withFilter(factory, Map.of("key", KEY, "mode", "gcm"), state));
        assertEquals(Set.of("key"), factory.secretKeys());
    }
}
