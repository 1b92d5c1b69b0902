package io.vstack.disks.internal.replica;

import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@value #NAME} filter: the write tracking of replicated disks ({@link DirtyTracker}). It
 * takes no configuration; {@code replica:enable} attaches it and {@code replica:disable} detaches it.
 */
public final class ReplicaFilterFactory implements IoFilterFactory {

    /** The filter's name. */
    static final String NAME = "replica";
    private static final FilterDescriptor DESCRIPTOR = new FilterDescriptor(NAME, FilterClass.REPLICATION, 0,
            "Tracks the blocks written to a replicated disk and keeps sealed deltas consistent (replica:enable attaches it)");

    private final Map<String, DirtyTracker> trackers = new ConcurrentHashMap<>();

    @Override
    public FilterDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public IoFilter create(FilterContext context) {
        if (!context.config().isEmpty()) {
            throw new IllegalArgumentException("filter " + NAME + " takes no configuration, not " + context.config().keySet());
        }
        // A new attachment (or a restart) knows nothing of what was shipped: every block is dirty.
        DirtyTracker tracker = new DirtyTracker(context.diskId(), context.capacity(), context.blockSize());
        trackers.put(context.diskId(), tracker);
        return tracker;
    }

    /** The tracker of disk {@code diskId}, if the filter is attached to it. */
    DirtyTracker tracker(String diskId) {
        return trackers.get(diskId);
    }

    void forget(String diskId) {
        trackers.remove(diskId);
    }
}
