package io.vstack.api.storage;

import io.vstack.api.UserText;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The kind of storage backend a virtual disk lives on, named by the backend itself: a new kind
 * of store registers a {@link StorageBackend} whose {@link StorageBackend#type()} is a new name,
 * with no change to this API. The six kinds vstack ships are constants; whether a type is
 * available is known only to the running system (a backend of that type is registered).
 *
 * @param id the name users type: lowercase letters, digits and dashes, starting with a letter,
 *           at most 32 characters, such as {@code local}
 */
public record BackendType(String id) {

    // Before the constants: they are checked against it as the class initializes.
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    /** LUNs on a storage array reached over several paths. */
    public static final BackendType SAN = new BackendType("san");
    /** Files on an NFS export, with close-to-open consistency and advisory locks. */
    public static final BackendType NFS = new BackendType("nfs");
    /** Objects mirrored across the local storage of several hosts. */
    public static final BackendType VSAN = new BackendType("vsan");
    /** Chunked objects in an S3-compatible object store. */
    public static final BackendType CLOUD = new BackendType("cloud");
    /** Sparse files on a host's local block device. */
    public static final BackendType LOCAL = new BackendType("local");
    /** Views of LUNs on a shared disk server, under SCSI persistent reservations. */
    public static final BackendType SHARED = new BackendType("shared");

    private static final List<BackendType> SHIPPED = List.of(SAN, NFS, VSAN, CLOUD, LOCAL, SHARED);

    /**
     * @throws IllegalArgumentException if {@code id} is not a well-formed type name
     */
    public BackendType {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("bad backend type " + UserText.quote(id)
                    + ": lowercase letters, digits and dashes, starting with a letter, at most 32 characters");
        }
    }

    /** The kinds vstack ships, in the order listings show them; other types sort after them by name. */
    public static List<BackendType> shipped() {
        return SHIPPED;
    }

    /**
     * Parses a backend type name, case-insensitive and trimmed. Any well-formed name parses: a
     * backend of a type this API does not list may be registered.
     *
     * @throws IllegalArgumentException if {@code name} is not a well-formed type name
     */
    public static BackendType parse(String name) {
        return new BackendType(name == null ? null : name.trim().toLowerCase(Locale.ROOT));
    }

    /** Orders the shipped types first, in {@link #shipped()}'s order, then the others by name. */
    public int rank() {
        int i = SHIPPED.indexOf(this);
        return i >= 0 ? i : SHIPPED.size();
    }

    @Override
    public String toString() {
        return id;
    }
}
