package io.vstack.storage.conformance;

import io.vstack.api.storage.StorageBackend;

/**
 * One backend under the conformance suite, built over its own fresh state (directories, hosts, an
 * S3 server), with its own fault to inject. To add a backend to the suite, write a fixture and add
 * one line to {@link Backends#all()}.
 */
public interface BackendFixture extends AutoCloseable {

    /** The backend instance as its errors name it ({@code san-array1}, {@code vsan}...). */
    String name();

    /** The backend. */
    StorageBackend backend();

    /** Drops the backend instance (as a restart would: open handles are abandoned) and builds a new one over the same state. */
    StorageBackend reopen() throws Exception;

    /** The capacity the backend offers its stores in all. */
    long capacity();

    /** Injects the backend's fault (a path down, a host down, the server down or killed). */
    void injectFault() throws Exception;

    /** Whether I/O goes on without error under the fault (redundancy), rather than failing with a clear error. */
    boolean toleratesFault();

    /** Ends the fault, and waits for the backend to have repaired itself (a resync). */
    void heal() throws Exception;

    /** Releases the backend and what it runs on (threads, servers); the data stays on disk. */
    @Override
    void close();
}
