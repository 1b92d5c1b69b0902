package io.vstack.api.filter;

/**
 * The class of a filter, which fixes its place in a chain: classes run in declaration order,
 * from the one nearest the caller ({@link #INSPECTION}) to the one nearest the storage
 * ({@link #CACHE}). Within a class, higher {@linkplain FilterDescriptor#rank() rank} runs first.
 */
public enum FilterClass {
    /** Observes I/O (statistics, tracing, checksums); sees the caller's data as is. */
    INSPECTION,
    /** Compresses data on the way down and decompresses on the way up. */
    COMPRESSION,
    /** Encrypts data on the way down and decrypts on the way up. */
    ENCRYPTION,
    /** Copies writes elsewhere (another disk, another host). */
    REPLICATION,
    /** Serves reads from a cache and keeps it coherent with writes; nearest the storage. */
    CACHE
}
