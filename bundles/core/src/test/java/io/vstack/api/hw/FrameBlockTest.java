package io.vstack.api.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameBlockTest {

    @Test
    void framesOfARegionShareItsBufferAndEachRegionIsAskedForOnce() {
        ByteBuffer[] regions = {ByteBuffer.allocate(4 * 16), ByteBuffer.allocate(4 * 16), ByteBuffer.allocate(4 * 16)};
        List<Integer> asked = new ArrayList<>();
        FrameBlock block = FrameBlock.inRegions(new long[] {9, 1, 2, 8, 0}, r -> {
            asked.add(r);
            return regions[r];
        }, 4, 16);
        assertEquals(List.of(2, 0), asked, "regions in order of first use, each once");
        assertEquals(2, block.bufferCount());
        assertSame(regions[2], block.memory(0));
        assertEquals(16, block.offset(0));
        assertSame(regions[0], block.memory(1));
        assertEquals(32, block.offset(2));
        assertSame(regions[2], block.memory(3));
        assertEquals(0, block.offset(3));
        assertEquals(block.bufferIndex(1), block.bufferIndex(4));
        assertEquals(8, block.number(3));
    }

    @Test
    void aBlockNeedsOneNumberBufferIndexAndOffsetPerFrameAndIndexesOfItsBuffers() {
        ByteBuffer[] one = {ByteBuffer.allocate(8)};
        assertThrows(IllegalArgumentException.class, () -> new FrameBlock(new long[2], one, new int[1], new int[2]));
        assertThrows(IndexOutOfBoundsException.class, () -> new FrameBlock(new long[2], one, new int[] {0, 1}, new int[2]));
        assertThrows(NullPointerException.class, () -> FrameBlock.inRegions(new long[] {0}, r -> null, 4, 16));
    }
}
