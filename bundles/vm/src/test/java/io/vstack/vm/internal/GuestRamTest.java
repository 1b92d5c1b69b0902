package io.vstack.vm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.hw.OutOfFramesException;
import io.vstack.api.testing.FakeMemory;
import io.vstack.api.vm.VmSpec;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

/** Guest memory on one frame block: pages share the host's buffers, and every access stays in its page. */
class GuestRamTest {

    @Test
    void eachPageIsItsOwnFrameAndWritesStayInIt() throws OutOfFramesException {
        FakeMemory host = new FakeMemory("h", 8);
        GuestRam ram = GuestRam.allocate(host, 4);
        ram.write(1, 0, VmSpec.PAGE_SIZE, 0x0101010101010101L);
        assertEquals(0L, ram.read(0, VmSpec.PAGE_SIZE - 8), "the page before is untouched");
        assertEquals(0L, ram.read(2, 0), "the page after is untouched");
        ByteBuffer view = ram.page(1);
        assertEquals(0, view.position());
        assertEquals(VmSpec.PAGE_SIZE, view.limit());
        assertEquals(0x0101010101010101L, view.getLong(VmSpec.PAGE_SIZE - 8));
        assertTrue(ram.dirtyLog().isDirty(1));
        assertThrows(IndexOutOfBoundsException.class, () -> ram.write(1, VmSpec.PAGE_SIZE - 8, 16, 1L),
                "a write past its page would land in another frame of the shared buffer");
        assertThrows(IllegalArgumentException.class, () -> ram.write(1, VmSpec.PAGE_SIZE - 12, 4, 1L),
                "within the page, but an 8-byte store at that offset would not be");
        assertThrows(IndexOutOfBoundsException.class, () -> ram.read(1, VmSpec.PAGE_SIZE - 4));
        assertThrows(IndexOutOfBoundsException.class, () -> ram.page(4));
    }

    @Test
    void readOnlyViewsSeeWritesAndRefuseThem() throws OutOfFramesException {
        GuestRam ram = GuestRam.allocate(new FakeMemory("h", 4), 2);
        ram.write(0, 8, 8, 42L);
        ByteBuffer view = ram.readOnlyPage(0);
        assertEquals(42L, view.getLong(8));
        assertEquals(VmSpec.PAGE_SIZE, view.remaining());
        assertThrows(ReadOnlyBufferException.class, () -> view.putLong(0, 1L));
    }

    @Test
    void releaseGivesEveryFrameBackOnce() throws OutOfFramesException {
        FakeMemory host = new FakeMemory("h", 8);
        GuestRam ram = GuestRam.allocate(host, 5);
        assertEquals(3, host.freeFrames());
        ram.release();
        ram.release();
        assertEquals(8, host.freeFrames());
        assertThrows(OutOfFramesException.class, () -> GuestRam.allocate(host, 9));
        assertEquals(8, host.freeFrames(), "a refused allocation takes nothing");
    }
}
