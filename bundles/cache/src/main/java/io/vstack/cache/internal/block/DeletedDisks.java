package io.vstack.cache.internal.block;

import io.vstack.api.disk.DiskListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Drops a deleted disk's blocks, every content version of them, from every host cache at once:
 * also those cached under its id by linked clones' filters (the disk was their base), which no
 * filter of its own would drop. Otherwise they would hold frames until they aged out, under an id a
 * new disk may take.
 */
@Component(service = DiskListener.class)
public final class DeletedDisks implements DiskListener {

    private final BlockCaches caches;

    @Activate
    public DeletedDisks(@Reference BlockCaches caches) {
        this.caches = caches;
    }

    @Override
    public void deleted(String diskId) {
        for (FrameBlockCache cache : caches.caches()) {
            cache.invalidateDisk(diskId);
        }
    }
}
