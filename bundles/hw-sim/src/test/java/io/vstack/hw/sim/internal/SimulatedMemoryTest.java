package io.vstack.hw.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.hw.FrameBlock;
import io.vstack.api.hw.OutOfFramesException;
import io.vstack.api.hw.PageFrame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedMemoryTest {

    private static final int FRAME = HostConfig.FRAME_SIZE;
    private static final long REGION_BYTES = (long) SimulatedMemory.FRAMES_PER_REGION * FRAME;

    @Test
    void backsMemoryLazilyRegionByRegion() throws OutOfFramesException {
        SimulatedMemory memory = new SimulatedMemory("h", 1L << 30);
        assertEquals((1L << 30) / FRAME, memory.totalFrames());
        assertEquals(0, memory.backedBytes());
        memory.allocate();
        assertEquals(REGION_BYTES, memory.backedBytes());
        for (int i = 1; i < SimulatedMemory.FRAMES_PER_REGION; i++) {
            memory.allocate();
        }
        assertEquals(REGION_BYTES, memory.backedBytes());
        memory.allocate();
        assertEquals(2 * REGION_BYTES, memory.backedBytes());
        assertEquals(memory.totalFrames() - SimulatedMemory.FRAMES_PER_REGION - 1, memory.freeFrames());
    }

    @Test
    void framesHoldRealBytes() throws OutOfFramesException {
        SimulatedMemory memory = new SimulatedMemory("h", 16 * FRAME);
        PageFrame a = memory.allocate();
        PageFrame b = memory.allocate();
        a.buffer().putLong(0, 0xCAFEL);
        b.buffer().putLong(FRAME - 8, 0xBEEFL);
        assertEquals(0xCAFEL, memory.frame(a.number()).buffer().getLong(0));
        assertEquals(0L, b.buffer().getLong(0));
        assertEquals(0xBEEFL, b.buffer().getLong(FRAME - 8));
        assertEquals(FRAME, a.buffer().capacity());
    }

    @Test
    void reuseZeroesTheFrameAndBumpsItsGeneration() throws OutOfFramesException {
        SimulatedMemory memory = new SimulatedMemory("h", FRAME);
        PageFrame first = memory.allocate();
        long generation = first.generation();
        first.buffer().put(7, (byte) 42);
        memory.free(first);
        assertFalse(first.allocated());
        assertEquals(42, first.buffer().get(7), "a freed frame stays readable until reused");
        PageFrame second = memory.allocate();
        assertEquals(first.number(), second.number());
        assertEquals(generation + 1, second.generation());
        assertEquals(generation + 1, first.generation(), "a stale reference sees the new generation");
        assertEquals(0, second.buffer().get(7));
    }

    @Test
    void runsOutOfFramesWithAClearError() throws OutOfFramesException {
        SimulatedMemory memory = new SimulatedMemory("esx1", 4 * FRAME);
        List<PageFrame> frames = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            frames.add(memory.allocate());
        }
        OutOfFramesException e = assertThrows(OutOfFramesException.class, memory::allocate);
        assertTrue(e.getMessage().contains("esx1"), e.getMessage());
        memory.free(frames.get(2));
        assertEquals(frames.get(2).number(), memory.allocate().number());
    }

    @Test
    void refusesDoubleFreesAndForeignFrames() throws OutOfFramesException {
        SimulatedMemory memory = new SimulatedMemory("h", 4 * FRAME);
        PageFrame frame = memory.allocate();
        memory.free(frame);
        assertThrows(IllegalArgumentException.class, () -> memory.free(frame));
        PageFrame foreign = new SimulatedMemory("other", 4 * FRAME).allocate();
        assertThrows(IllegalArgumentException.class, () -> memory.free(foreign));
        assertThrows(IllegalArgumentException.class, () -> memory.frame(4));
    }

    @Test
    void buffersAreIndependentViews() throws OutOfFramesException {
        SimulatedMemory memory = new SimulatedMemory("h", 2 * FRAME);
        PageFrame frame = memory.allocate();
        ByteBuffer one = frame.buffer();
        one.position(100);
        assertEquals(0, frame.buffer().position());
    }

    @Test
    void readsAFreedFrameBackOnlyWhileItsGenerationIsUnchanged() throws OutOfFramesException {
        SimulatedMemory memory = new SimulatedMemory("h", 2 * FRAME);
        PageFrame frame = memory.allocate();
        long generation = frame.generation();
        frame.buffer().putLong(16, 0x1234L);
        ByteBuffer dst = ByteBuffer.allocate(FRAME + 8);
        assertFalse(memory.readIfUnchanged(frame.number(), generation, dst, 8, FRAME), "still allocated: not a reference read");
        memory.free(frame);
        assertTrue(memory.readIfUnchanged(frame.number(), generation, dst, 8, FRAME));
        assertEquals(0x1234L, dst.getLong(24));
        assertEquals(0, dst.position(), "absolute: the position is not used");
        PageFrame other = memory.allocate();
        assertEquals(frame.number(), other.number());
        other.buffer().putLong(16, 0x9999L);
        ByteBuffer again = ByteBuffer.allocate(FRAME);
        assertFalse(memory.readIfUnchanged(frame.number(), generation, again, 0, FRAME), "reused: another consumer's data");
        assertEquals(0L, again.getLong(16));
        memory.free(other);
        assertFalse(memory.readIfUnchanged(frame.number(), generation, again, 0, FRAME), "freed again, but a newer generation");
        assertThrows(IllegalArgumentException.class, () -> memory.readIfUnchanged(7, 1, again, 0, FRAME));
    }

    @Test
    void allocatesABlockOfZeroFramesAllOrNothing() throws OutOfFramesException {
        SimulatedMemory memory = new SimulatedMemory("esx1", 4 * FRAME);
        PageFrame used = memory.allocate();
        used.buffer().putLong(8, -1L);
        memory.free(used);
        FrameBlock block = memory.allocate(3);
        assertEquals(3, block.count());
        assertEquals(used.number(), block.number(0), "freed frames first");
        assertEquals(0L, block.memory(0).getLong(block.offset(0) + 8), "a reused frame is zeroed");
        assertEquals(2, used.generation(), "and gets a new generation");
        block.memory(2).putLong(block.offset(2), 0x55L);
        assertEquals(0x55L, memory.frame(block.number(2)).buffer().getLong(0), "the block's bytes are the frame's bytes");
        assertEquals(1, block.bufferCount(), "frames of one region share its buffer");
        assertEquals(block.buffer(block.bufferIndex(2)), block.memory(2));
        assertEquals(1, memory.freeFrames());
        OutOfFramesException e = assertThrows(OutOfFramesException.class, () -> memory.allocate(2));
        assertTrue(e.getMessage().contains("esx1"), e.getMessage());
        assertEquals(1, memory.freeFrames(), "nothing taken");
        assertThrows(IllegalArgumentException.class, () -> memory.allocate(0));
        memory.free(block);
        assertEquals(4, memory.freeFrames());
        assertThrows(IllegalArgumentException.class, () -> memory.free(block), "a double free");
        assertEquals(4, memory.freeFrames());
    }

    @Test
    void refusesABlockWithAFrameItDoesNotHoldAndFreesNoneOfIt() throws OutOfFramesException {
        SimulatedMemory memory = new SimulatedMemory("h", 4 * FRAME);
        FrameBlock block = memory.allocate(2);
        ByteBuffer any = ByteBuffer.allocateDirect(FRAME);
        FrameBlock forged = new FrameBlock(new long[] {block.number(0), 3}, new ByteBuffer[] {any}, new int[2], new int[2]);
        assertThrows(IllegalArgumentException.class, () -> memory.free(forged));
        assertEquals(2, memory.freeFrames(), "frame 0 of the forged block stays allocated");
        memory.free(block);
        assertEquals(4, memory.freeFrames());
    }
}
