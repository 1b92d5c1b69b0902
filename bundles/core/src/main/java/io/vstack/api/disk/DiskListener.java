package io.vstack.api.disk;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of the lifecycle of virtual disks (whiteboard: register a service of this type). For
 * example a block cache drops a deleted disk's blocks at once, rather than letting them age out
 * under an id a new disk may take.
 */
@ConsumerType
public interface DiskListener {

    /**
     * Disk {@code diskId} was deleted: its store and metadata are gone and no handle of it works.
     * Called after the delete succeeded, on the thread that deleted it; must not block, and must
     * not call back into the disk manager. An exception is logged and ignored.
     */
    void deleted(String diskId);
}
