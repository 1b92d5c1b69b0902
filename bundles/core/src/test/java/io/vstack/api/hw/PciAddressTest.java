package io.vstack.api.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PciAddressTest {

    @Test
    void roundTripsTheLspciForm() {
        PciAddress address = PciAddress.parse("0000:03:1f.7");
        assertEquals(new PciAddress(0, 3, 0x1f, 7), address);
        assertEquals("0000:03:1f.7", address.toString());
        assertEquals(new PciAddress(0, 0, 3, 0), PciAddress.parse("00:03.0"));
    }

    @Test
    void ordersByBusDeviceFunction() {
        assertTrue(PciAddress.parse("00:03.1").compareTo(PciAddress.parse("00:04.0")) < 0);
        assertTrue(PciAddress.parse("01:00.0").compareTo(PciAddress.parse("00:1f.7")) > 0);
    }

    @Test
    void refusesOutOfRangeAndMalformedAddresses() {
        assertThrows(IllegalArgumentException.class, () -> PciAddress.parse("00:20.0"));
        assertThrows(IllegalArgumentException.class, () -> PciAddress.parse("00:03.8"));
        assertThrows(IllegalArgumentException.class, () -> PciAddress.parse("zz:03.0"));
        assertThrows(IllegalArgumentException.class, () -> PciAddress.parse("3"));
    }
}
