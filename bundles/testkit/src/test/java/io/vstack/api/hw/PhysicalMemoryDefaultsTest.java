package io.vstack.api.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vstack.api.testing.FakeMemory;
import org.junit.jupiter.api.Test;

/** The block methods a {@link PhysicalMemory} gets by default, built on its one-frame methods. */
class PhysicalMemoryDefaultsTest {

    /** Only the abstract methods, delegated: the block methods are the interface's defaults. */
    private static PhysicalMemory oneByOne(PhysicalMemory m) {
        return new PhysicalMemory() {
            @Override
            public int frameSize() {
                return m.frameSize();
            }

            @Override
            public long totalFrames() {
                return m.totalFrames();
            }

            @Override
            public long freeFrames() {
                return m.freeFrames();
            }

            @Override
            public long backedBytes() {
                return m.backedBytes();
            }

            @Override
            public PageFrame allocate() throws OutOfFramesException {
                return m.allocate();
            }

            @Override
            public void free(PageFrame frame) {
                m.free(frame);
            }

            @Override
            public PageFrame frame(long number) {
                return m.frame(number);
            }
        };
    }

    @Test
    void theDefaultBlockTakesFramesOneByOneAndGivesThemAllBackOnFailure() throws OutOfFramesException {
        PhysicalMemory memory = oneByOne(new FakeMemory("h", 4));
        FrameBlock block = memory.allocate(3);
        assertEquals(3, block.count());
        block.memory(1).putLong(block.offset(1), 7L);
        assertEquals(7L, memory.frame(block.number(1)).buffer().getLong(0));
        assertThrows(OutOfFramesException.class, () -> memory.allocate(2));
        assertEquals(1, memory.freeFrames(), "the frame taken before the failure went back");
        memory.free(block);
        assertEquals(4, memory.freeFrames());
        assertThrows(IllegalArgumentException.class, () -> memory.allocate(-1));
    }
}
