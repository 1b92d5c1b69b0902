package io.vstack.disks.internal;

import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskManager;
import io.vstack.api.filter.FilterAttachment;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.MissingFilterPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the {@code disk:} and {@code filter:} commands need beyond {@link DiskManager}: filters
 * attached by disk (whatever host owns it), reports, and names for completion. Registered by
 * this bundle for its own commands only (an internal, unexported type).
 */
public interface DiskAdmin extends DiskManager {

    /** What the framework observed of one attachment. */
    record FilterReport(String disk, String filter, boolean active, MissingFilterPolicy onMissing, long requests,
                        long failures, long longestHeldNanos, String lastError) {
    }

    /**
     * Freezes a disk's content as a new read-only disk {@code name}; the disk keeps its id,
     * handles and filters and goes on as a new empty child of the snapshot. Safe with handles open
     * (their I/O waits while it runs).
     *
     * @throws DiskException if the name is taken, the disk has children, its chain is broken, or storage fails; nothing is changed
     */
    void snapshot(String diskId, String name) throws DiskException;

    /**
     * Merges the blocks a differencing disk holds into its parent; the disk stays, empty, reading
     * through to the parent. Its and the parent's I/O wait while it runs.
     *
     * @return the number of blocks merged
     * @throws DiskException if the disk has no parent or has children, the parent has other children,
     *                       the chain is broken, or storage fails (then nothing acknowledged is lost: run it again)
     */
    long commit(String diskId, CommitProgress progress) throws DiskException;

    /** {@link #commit(String, CommitProgress)} without progress reports. */
    default long commit(String diskId) throws DiskException {
        return commit(diskId, (merged, scanned, blocks) -> { });
    }

    /**
     * Merges a middle link of a chain into its parent and removes it: its only child reads through
     * to the parent directly, and what every descendant reads is unchanged (retention of recovery
     * points merges the oldest point into the base this way).
     *
     * @return the number of blocks merged
     * @throws DiskException if the disk has no parent, has not exactly one child, the parent has
     *                       other children, or storage fails (then run it again; nothing is lost)
     */
    long collapse(String diskId) throws DiskException;

    /** Told during a commit, after each run of blocks copied into the parent. */
    @FunctionalInterface
    interface CommitProgress {
        /** {@code merged} blocks copied so far; the scan is at block {@code scanned} of {@code blocks}. */
        void copied(long merged, long scanned, long blocks);
    }

    /**
     * The ids of a disk's chain: the disk first, its base last.
     *
     * @throws DiskException naming the missing parent if the chain is broken
     */
    List<String> chain(String diskId) throws DiskException;

    /** The filters that can be attached now, sorted by name. */
    List<FilterDescriptor> availableFilters();

    /** Every attachment of every disk, by disk then chain order. */
    List<FilterReport> filterReports();

    /** Attaches a filter to a disk in its owner host's framework. */
    FilterAttachment attach(String diskId, String filterName, Map<String, String> config);

    /** Detaches a filter from a disk after draining its in-flight requests. */
    void detach(String diskId, String filterName);

    /**
     * Detaches a filter; new I/O waits while its in-flight requests finish, at most the drain
     * deadline (filterTimeout + 0.5 s). Past it: refused, nothing changed; with {@code force} the
     * filter is closed anyway and the requests it holds fail for their callers.
     *
     * @throws IllegalStateException naming the filter and what it holds, when refused
     */
    void detach(String diskId, String filterName, boolean force);

    /** The names of the hosts present. */
    List<String> hostNames();

    /** The type ids of the storage backends present. */
    List<String> backendNames();

    /** The metadata files that could not be loaded, one line each. */
    List<String> loadErrors();

    /** How long a filter may hold a request before it is reported. */
    Duration filterTimeout();

    /** One hop of a redirected request: from which disk to which ({@code endpoint/disk}), at which filter, how long it took. */
    record LinkHop(String from, String to, String filter, long nanos) {
    }

    /** A redirected request as the disk that redirected it saw it: what it was, its hops, and its error (null: done). */
    record LinkTrace(long sequence, io.vstack.api.io.IoOp op, long offset, long length, List<LinkHop> hops, String error) {
    }

    /** The disk's recent redirected requests (linked storage), oldest first. */
    List<LinkTrace> linkTraces(String diskId);
}
