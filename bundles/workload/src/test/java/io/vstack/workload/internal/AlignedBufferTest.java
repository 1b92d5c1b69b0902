package io.vstack.workload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class AlignedBufferTest {

    @Test
    void workerBuffersAreDirectPageAlignedAndExactlyOneBlock() {
        for (int size : new int[] {512, 4096, 4608, 65536, 1 << 20}) {
            ByteBuffer buffer = Run.alignedBuffer(size);
            assertTrue(buffer.isDirect());
            assertEquals(0, buffer.alignmentOffset(0, 4096), "address of a " + size + "-byte buffer");
            assertEquals(size, buffer.capacity());
            assertEquals(size, buffer.clear().remaining());
        }
    }
}
