package io.vstack.api.vm;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told about VM changes; registered as a service (whiteboard). The network uses it to attach a
 * VM's interfaces where it runs.
 * <p><b>Threads.</b> Called on the thread that made the change, after it is made, one call at a
 * time per VM. Must be quick and must not call back into {@link VmService}. An exception is
 * logged and ignored.
 */
@ConsumerType
public interface VmListener {

    /** The VM was created, changed state, or moved host; {@code vm} is how it is now. */
    void vmChanged(VmInfo vm);

    /** The VM was deleted; {@code vm} is how it was last. */
    void vmDeleted(VmInfo vm);
}
