package io.vstack.api.memory;

/** The kind of a memory access, as a page fault reports it. */
public enum Access {
    /** A load. */
    READ,
    /** A store. */
    WRITE
}
