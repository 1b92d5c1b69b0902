package io.vstack.api.memory;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A region of shared memory: a file (mode 0600, in a directory of mode 0700) its owner maps and
 * the broker grants parts of. Its data starts at {@link #dataOffset()} in the file; the bytes
 * before hold a header with the region's generation and one revocation word per grant.
 *
 * @param id         the region's id
 * @param owner      who created it and may grant it
 * @param file       the backing file
 * @param size       data bytes
 * @param dataOffset where the data starts in the file
 * @param generation bumped by each hard revoke, which replaces the file
 */
public record MemoryRegion(String id, String owner, Path file, long size, long dataOffset, long generation) {

    /** @throws NullPointerException if a field is null */
    public MemoryRegion {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(file, "file");
    }
}
