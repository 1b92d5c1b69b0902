package io.vstack.api.memory;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One section of a {@link MemoryHandle}: a window of the region mapped on first touch and kept
 * mapped while the handle is open.
 */
@ProviderType
public interface Section {

    /** The section's index in its handle. */
    int index();

    /** Where the section starts in the handle. */
    long offset();

    /** Bytes in the section. */
    int length();

    /**
     * A new buffer over the section's mapped bytes (position 0, limit {@link #length()}); read-only
     * when the handle is. The bytes are shared with the region's owner: no copy is made.
     */
    ByteBuffer buffer();
}
