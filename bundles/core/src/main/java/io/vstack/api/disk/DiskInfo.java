package io.vstack.api.disk;

import io.vstack.api.filter.FilterAttachment;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A virtual disk's metadata at one moment.
 *
 * @param id          the disk's id
 * @param capacity    size in bytes
 * @param blockSize   block size in bytes
 * @param backend     the backend instance its bytes live on
 * @param owner       the host that owns it now
 * @param parent      the disk it reads through to, if it is a differencing disk
 * @param filters     attached filters, in chain order
 * @param openHandles handles open on it now
 */
public record DiskInfo(String id, long capacity, int blockSize, String backend, String owner, Optional<String> parent,
                       List<FilterAttachment> filters, int openHandles) {

    /**
     * @throws NullPointerException if a field is null
     */
    public DiskInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(parent, "parent");
        filters = List.copyOf(filters);
    }
}
