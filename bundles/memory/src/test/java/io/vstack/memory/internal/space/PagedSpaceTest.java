package io.vstack.memory.internal.space;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.memory.Access;
import io.vstack.api.memory.AddressSpace;
import io.vstack.api.memory.AddressSpaceException;
import io.vstack.api.memory.InvalidRangeException;
import io.vstack.api.memory.OverlappingMappingException;
import io.vstack.api.memory.PinnedPageException;
import io.vstack.api.memory.Protection;
import io.vstack.api.memory.ProtectionViolationException;
import io.vstack.api.memory.UnmappedAddressException;
import io.vstack.api.testing.FakeMemory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PagedSpaceTest {

    private static final long PAGE = AddressSpace.PAGE_SIZE;
    private static final long TOP = AddressSpace.ALIAS_WINDOW - PAGE;

    @TempDir
    Path dir;
    private FakeMemory memory;
    private PagedSpace space;

    @BeforeEach
    void setUp() throws AddressSpaceException {
        memory = new FakeMemory("h", 4096);
        space = PagedSpace.create("s", "h", memory, dir.resolve("swap"));
    }

    @AfterEach
    void tearDown() throws Exception {
        space.destroy();
        assertEquals(memory.totalFrames(), memory.freeFrames(), "every frame back to the host");
    }

    @Test
    void faultsAtAddressZeroAndAtTheTopOfTheSpace() throws AddressSpaceException {
        assertThrows(UnmappedAddressException.class, () -> space.fault(0, Access.READ));
        assertThrows(UnmappedAddressException.class, () -> space.fault(TOP, Access.WRITE));
        space.map(0, PAGE, Protection.READ_WRITE);
        space.map(TOP, PAGE, Protection.READ_WRITE);
        space.store(0, 7);
        space.store(TOP + PAGE - 8, 9);
        assertEquals(7, space.load(0));
        assertEquals(9, space.load(TOP + PAGE - 8));
        assertEquals(2, space.info().residentPages());
        assertEquals(2, space.faultStats().demandFaults());
        assertThrows(InvalidRangeException.class, () -> space.fault(AddressSpace.SIZE - 1, Access.READ));
        assertThrows(InvalidRangeException.class, () -> space.fault(AddressSpace.ALIAS_WINDOW, Access.READ));
        assertThrows(InvalidRangeException.class, () -> space.map(AddressSpace.ALIAS_WINDOW, PAGE, Protection.READ));
    }

    @Test
    void badRangesAreNamedErrors() throws AddressSpaceException {
        assertThrows(InvalidRangeException.class, () -> space.map(-PAGE, PAGE, Protection.READ));
        assertThrows(InvalidRangeException.class, () -> space.map(0, -PAGE, Protection.READ));
        assertThrows(InvalidRangeException.class, () -> space.map(0, 0, Protection.READ));
        assertThrows(InvalidRangeException.class, () -> space.map(1, PAGE, Protection.READ));
        assertThrows(InvalidRangeException.class, () -> space.map(PAGE, Long.MAX_VALUE - PAGE + 1, Protection.READ));
        assertThrows(InvalidRangeException.class, () -> space.map(Long.MAX_VALUE & -PAGE, PAGE, Protection.READ));
        assertThrows(InvalidRangeException.class, () -> space.unmap(PAGE, Long.MAX_VALUE & -PAGE));
        assertThrows(InvalidRangeException.class, () -> space.load(-8));
        assertThrows(InvalidRangeException.class, () -> space.load(4));
        assertThrows(InvalidRangeException.class, () -> space.fault(Long.MIN_VALUE, Access.READ));
        assertEquals(0, space.info().mappings(), "nothing changed");
    }

    @Test
    void overlappingMappingsAreRefusedWithoutChange() throws AddressSpaceException {
        long gib = 1L << 30;
        space.map(gib, gib, Protection.READ);                       // one tag at level 3
        assertThrows(OverlappingMappingException.class, () -> space.map(gib + 5 * PAGE, PAGE, Protection.READ));
        assertThrows(OverlappingMappingException.class, () -> space.map(gib - PAGE, 2 * PAGE, Protection.READ));
        assertThrows(OverlappingMappingException.class, () -> space.map(0, 4 * gib, Protection.READ));
        assertEquals(1, space.info().mappings());
        assertEquals(gib, space.info().mappedBytes());
        space.map(gib - PAGE, PAGE, Protection.READ);               // adjacent is fine
        space.map(2 * gib, PAGE, Protection.READ);
    }

    @Test
    void protectionViolationsAreNamedAndCounted() throws AddressSpaceException {
        space.map(0, 4 * PAGE, Protection.READ);
        assertEquals(0, space.load(0));
        assertThrows(ProtectionViolationException.class, () -> space.store(0, 1));
        assertThrows(ProtectionViolationException.class, () -> space.store(PAGE, 1));
        space.protect(PAGE, PAGE, Protection.NONE);
        assertThrows(ProtectionViolationException.class, () -> space.load(PAGE));
        space.protect(0, 2 * PAGE, Protection.READ_WRITE);
        space.store(PAGE, 5);
        assertEquals(5, space.load(PAGE));
        assertThrows(UnmappedAddressException.class, () -> space.protect(0, 8 * PAGE, Protection.READ));
        assertEquals(3, space.faultStats().protectionFaults());
        assertThrows(ProtectionViolationException.class, () -> space.page(2 * PAGE, Access.WRITE));
        assertTrue(space.page(2 * PAGE, Access.READ).isReadOnly());
    }

    @Test
    void reclaimedPagesComeBackWithTheirBytes() throws AddressSpaceException {
        space.map(0, 64 * PAGE, Protection.READ_WRITE);
        for (int p = 0; p < 64; p++) {
            space.store(p * PAGE + 8, p * 31L);
        }
        long heldBefore = space.heldFrames();
        assertEquals(64, space.residency().reclaim(0, 64 * PAGE));
        assertEquals(0, space.info().residentPages());
        assertEquals(64, space.info().swappedPages());
        assertTrue(space.heldFrames() < heldBefore, "reclaim gives frames back to the host");
        for (int p = 0; p < 64; p++) {
            assertEquals(p * 31L, space.load(p * PAGE + 8));
        }
        assertEquals(64, space.faultStats().swapInFaults());
        assertEquals(64, space.faultStats().reclaimedPages());
        assertEquals(0, space.info().swappedPages());
    }

    @Test
    void pinnedPagesStayAtTheirFrames() throws AddressSpaceException {
        space.map(0, 4 * PAGE, Protection.READ_WRITE);
        for (int p = 0; p < 4; p++) {
            space.store(p * PAGE, p);
        }
        long[] frames = space.residency().pin(0, 2 * PAGE);
        space.residency().pin(0, PAGE);
        assertEquals(2, frames.length);
        assertEquals(2, space.residency().reclaim(0, 4 * PAGE), "pinned pages stay");
        assertEquals(2, space.info().residentPages());
        assertArrayEquals(frames, space.residency().pin(0, 2 * PAGE), "at the same frames");
        space.residency().unpin(0, 2 * PAGE);
        assertThrows(PinnedPageException.class, () -> space.unmap(0, 4 * PAGE));
        space.residency().unpin(0, 2 * PAGE);
        assertThrows(PinnedPageException.class, () -> space.unmap(0, PAGE), "pins nest");
        space.residency().unpin(0, PAGE);
        assertThrows(UnmappedAddressException.class, () -> space.residency().unpin(0, PAGE));
        space.unmap(0, 4 * PAGE);
        assertThrows(UnmappedAddressException.class, () -> space.residency().pin(0, PAGE));
    }

    @Test
    void aDiscardedPageFaultsBackAsZeros() throws AddressSpaceException {
        space.map(0, 2 * PAGE, Protection.READ_WRITE);
        space.store(8, 99);
        assertTrue(space.discard(0));
        assertEquals(false, space.discard(PAGE), "never touched: nothing to drop");
        assertEquals(0, space.info().residentPages());
        assertEquals(0, space.load(8), "a discarded page comes back as a zero page");
        assertEquals(2, space.faultStats().demandFaults());
        space.residency().pin(0, PAGE);
        assertEquals(false, space.discard(0), "a pinned page stays");
        space.residency().unpin(0, PAGE);
    }

    @Test
    void pageViewsShareTheFrame() throws AddressSpaceException {
        space.map(0, PAGE, Protection.READ_WRITE);
        ByteBuffer view = space.page(0, Access.WRITE);
        view.putLong(16, 42);
        assertEquals(42, space.load(16));
        byte[] bytes = new byte[8];
        space.page(0, Access.READ).get(16, bytes);
        assertArrayEquals(ByteBuffer.allocate(8).putLong(42).array(), bytes);
    }

    @Test
    void tablesFollowTheTouchedSpanNotTheMappedSize() throws Exception {
        space.destroy();
        memory = new FakeMemory("h", 8192);
        space = PagedSpace.create("big", "h", memory, dir.resolve("swap2"));
        long gib = 1L << 30;
        for (long a = 0; a < 256 * gib; a += 2L << 20) {            // 131,072 mappings of 2 MiB: 256 GiB
            space.map(a, 2L << 20, Protection.READ_WRITE);
        }
        long tables = space.info().tablePages();
        assertEquals(1 + 1 + 256, tables, "root, one level-3 table, 256 level-2 tables of tags");
        for (long a = 0; a < 8L << 20; a += PAGE) {                  // touch 8 MiB: 4 mappings
            space.store(a, a);
        }
        assertEquals(tables + 4, space.info().tablePages(), "one level-1 table per touched 2 MiB");
        space.unmap(0, 256 * gib);
        assertEquals(1, space.info().tablePages());
        assertEquals(0, space.info().mappings());
    }

    @Test
    void aDestroyedSpaceRefusesWork() throws Exception {
        space.map(0, PAGE, Protection.READ_WRITE);
        space.store(0, 1);
        space.destroy();
        AddressSpaceException e = assertThrows(AddressSpaceException.class, () -> space.load(0));
        assertTrue(e.getMessage().contains("destroyed"), e.getMessage());
    }
}
