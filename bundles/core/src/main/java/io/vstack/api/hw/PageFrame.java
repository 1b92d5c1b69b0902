package io.vstack.api.hw;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One frame of physical memory.
 * <p>Thread-safe accessors. The frame's bytes are shared memory: the allocating owner decides
 * who writes them.
 */
@ProviderType
public interface PageFrame {

    /** The page frame number: the frame's index in its host's physical memory. */
    long number();

    /**
     * The allocation generation: increases each time the frame is allocated. A holder of a
     * (number, generation) reference that reads a different generation knows the frame was reused.
     */
    long generation();

    /** Whether the frame is allocated right now. */
    boolean allocated();

    /**
     * A new view of the frame's bytes (position 0, limit {@link PhysicalMemory#frameSize()}).
     * Allocates the backing memory of the frame's region if it is not backed yet.
     */
    ByteBuffer buffer();
}
