package io.vstack.hw.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vstack.api.hw.ConfigSpace;
import org.junit.jupiter.api.Test;

class SimulatedConfigSpaceTest {

    private final SimulatedConfigSpace space = SimulatedConfigSpace.type0(0x15ad, 0x07b0, 0x020000, 1, 0x1000);

    @Test
    void readsIdsLittleEndian() {
        assertEquals(0x15ad, space.read(ConfigSpace.VENDOR_ID, 2));
        assertEquals(0x07b0, space.read(ConfigSpace.DEVICE_ID, 2));
        assertEquals(0x07b015ad, space.read(0, 4));
        assertEquals(0xad, space.read(0, 1));
        assertEquals(0x02000001, space.read(ConfigSpace.CLASS_CODE, 4));
    }

    @Test
    void readOnlyBitsIgnoreWrites() {
        space.write(ConfigSpace.VENDOR_ID, 2, 0xffff);
        assertEquals(0x15ad, space.read(ConfigSpace.VENDOR_ID, 2));
        space.write(ConfigSpace.COMMAND, 2, 0xffff);
        assertEquals(0x0547, space.read(ConfigSpace.COMMAND, 2));
    }

    @Test
    void barSizingReadsBackTheSizeMask() {
        space.write(ConfigSpace.BAR0, 4, 0xffffffff);
        assertEquals(0xfffff000, space.read(ConfigSpace.BAR0, 4));
        space.write(ConfigSpace.BAR0, 4, 0xfebf1234);
        assertEquals(0xfebf1000, space.read(ConfigSpace.BAR0, 4));
    }

    @Test
    void refusesMisalignedAndOutOfRangeAccess() {
        assertThrows(IllegalArgumentException.class, () -> space.read(1, 2));
        assertThrows(IllegalArgumentException.class, () -> space.read(256, 1));
        assertThrows(IllegalArgumentException.class, () -> space.read(0, 3));
        assertThrows(IllegalArgumentException.class, () -> space.write(-4, 4, 0));
    }
}
