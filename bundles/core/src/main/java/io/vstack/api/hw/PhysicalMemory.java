package io.vstack.api.hw;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A host's physical memory, handed out in page frames of {@link #frameSize()} bytes.
 * <p>Frames are real off-heap memory, backed lazily: memory is taken from the JVM only when a
 * frame in a not-yet-backed region is first allocated. Thread-safe; allocation and release do
 * not block beyond a short critical section.
 */
@ProviderType
public interface PhysicalMemory {

    /** Size of one frame in bytes (4096). */
    int frameSize();

    /** Number of frames the host has. */
    long totalFrames();

    /** Number of frames not allocated right now. */
    long freeFrames();

    /** Bytes of off-heap memory actually backing frames so far (grows lazily, never beyond the total). */
    long backedBytes();

    /**
     * Allocates one zero-filled frame. The frame's {@linkplain PageFrame#generation() generation}
     * is new, so references to an earlier allocation of the same frame can detect reuse.
     *
     * @throws OutOfFramesException if every frame is allocated
     */
    PageFrame allocate() throws OutOfFramesException;

    /**
     * Gives a frame back. Its contents stay readable through stale references until the frame is
     * allocated again, which bumps its generation.
     *
     * @throws IllegalArgumentException if the frame is not an allocated frame of this memory
     */
    void free(PageFrame frame);

    /**
     * Returns the frame with number {@code number}, allocated or not, for readers that hold a
     * (number, generation) reference and check the generation themselves.
     *
     * @throws IllegalArgumentException if there is no such frame
     */
    PageFrame frame(long number);
}
