package io.vstack.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.storage.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreMetadataTest {

    @TempDir
    Path dir;

    @Test
    void writesReadsListsAndSums() throws IOException {
        new StoreMetadata(1 << 20, 4096, "esx1").write(StoreMetadata.file(dir, "b"));
        new StoreMetadata(3 << 20, 512, "esx2").write(StoreMetadata.file(dir, "a"));
        Files.writeString(dir.resolve("a.img"), "data is not metadata");

        assertEquals(new StoreMetadata(3 << 20, 512, "esx2"), StoreMetadata.read(StoreMetadata.file(dir, "a")));
        assertEquals(List.of("a", "b"), StoreMetadata.list(dir));
        assertEquals(4 << 20, StoreMetadata.reserved(dir));
        assertEquals(List.of(), StoreMetadata.list(dir.resolve("missing")));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temp file left behind");
        }
    }

    @Test
    void corruptOrForeignMetadataIsRefusedNamingTheFile() throws IOException {
        Path file = StoreMetadata.file(dir, "x");
        Files.writeString(file, "version=1\ncapacity=many\n", StandardCharsets.UTF_8);
        IOException corrupt = assertThrows(IOException.class, () -> StoreMetadata.read(file));
        assertTrue(corrupt.getMessage().startsWith(file + ": corrupt metadata"), corrupt.getMessage());

        Files.writeString(file, "version=9\n", StandardCharsets.UTF_8);
        IOException version = assertThrows(IOException.class, () -> StoreMetadata.read(file));
        assertEquals(file + ": unsupported metadata version 9", version.getMessage());
        assertEquals(0, StoreMetadata.reserved(dir), "an unreadable store reserves nothing");
    }

    @Test
    void fillZerosCoversTheRangeInMebibyteSteps() throws StorageException {
        List<long[]> writes = new ArrayList<>();
        StoreFiles.fillZeros(4096, (2L << 20) + 8192, (offset, src) -> {
            while (src.hasRemaining()) {
                assertEquals(0, src.get());
            }
            writes.add(new long[] {offset, src.position()});
        });
        assertEquals(3, writes.size());
        assertEquals(4096, writes.get(0)[0]);
        assertEquals(1 << 20, writes.get(0)[1]);
        assertEquals(4096 + (2L << 20), writes.get(2)[0]);
        assertEquals(8192, writes.get(2)[1]);
    }
}
