package io.vstack.api.storage;

import io.vstack.api.UserText;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kinds of storage backend a virtual disk can live on. */
public enum BackendType {
    /** LUNs on a storage array reached over several paths. */
    SAN,
    /** Files on an NFS export, with close-to-open consistency and advisory locks. */
    NFS,
    /** Objects mirrored across the local storage of several hosts. */
    VSAN,
    /** Chunked objects in an S3-compatible object store. */
    CLOUD,
    /** Sparse files on a host's local block device. */
    LOCAL,
    /** Views of LUNs on a shared disk server, under SCSI persistent reservations. */
    SHARED;

    /** The name users type: lowercase, such as {@code local}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a backend name, case-insensitive.
     *
     * @throws IllegalArgumentException naming the known backends if {@code name} is none of them
     */
    public static BackendType parse(String name) {
        for (BackendType type : values()) {
            if (type.id().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown backend " + UserText.quote(name) + ": expected one of "
                + Arrays.stream(values()).map(BackendType::id).collect(Collectors.joining(", ")));
    }
}
