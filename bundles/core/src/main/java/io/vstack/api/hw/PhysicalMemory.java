package io.vstack.api.hw;

import java.nio.ByteBuffer;
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
     * Allocates {@code count} zero-filled frames at once, all or none, as one {@link FrameBlock}
     * (no object per frame). Each frame gets a new generation, as with {@link #allocate()}.
     * <p>The default takes them one by one; implementations override it to take them under one
     * lock and without per-frame objects.
     *
     * @throws OutOfFramesException if fewer than {@code count} frames are free; nothing is taken then
     * @throws IllegalArgumentException if {@code count} is not positive
     */
    default FrameBlock allocate(int count) throws OutOfFramesException {
        if (count <= 0) {
            throw new IllegalArgumentException("cannot allocate " + count + " frames");
        }
        PageFrame[] frames = new PageFrame[count];
        int taken = 0;
        try {
            for (; taken < count; taken++) {
                frames[taken] = allocate();
            }
        } catch (OutOfFramesException e) {
            for (int i = 0; i < taken; i++) {
                free(frames[i]);
            }
            throw e;
        }
        return FrameBlock.ofFrames(frames);
    }

    /**
     * Gives back every frame of a block from {@link #allocate(int)}.
     *
     * @throws IllegalArgumentException if a frame of the block is not an allocated frame of this memory
     */
    default void free(FrameBlock block) {
        for (int i = 0; i < block.count(); i++) {
            free(frame(block.number(i)));
        }
    }

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

    /**
     * Reads a frame through a reclaimable reference: copies {@code length} bytes of frame
     * {@code number} into {@code dst} at index {@code dstIndex} (absolute: the buffer's position is
     * not used or changed) if the frame is still free and still has generation {@code generation},
     * that is, nobody allocated it since the reference was taken. The check holds for the whole
     * copy: either the bytes are the referenced contents, or the method returns false and leaves
     * zeros where it may have copied, so a caller never sees another consumer's data.
     * <p>Thread-safe; does not block beyond a short critical section; allocates nothing.
     *
     * @return whether the bytes were copied intact
     * @throws IllegalArgumentException if there is no such frame or the range is outside the frame
     * @throws IndexOutOfBoundsException if the range is outside {@code dst}
     */
    default boolean readIfUnchanged(long number, long generation, ByteBuffer dst, int dstIndex, int length) {
        if (length < 0 || length > frameSize()) {
            throw new IllegalArgumentException("length " + length + " is outside a frame of " + frameSize() + " bytes");
        }
        PageFrame frame = frame(number);
        if (frame.allocated() || frame.generation() != generation) {
            return false;
        }
        dst.put(dstIndex, frame.buffer(), 0, length);
        if (frame.allocated() || frame.generation() != generation) {
            for (int i = 0; i < length; i++) {
                dst.put(dstIndex + i, (byte) 0);
            }
            return false;
        }
        return true;
    }
}
