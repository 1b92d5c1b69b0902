package io.vstack.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ByteSizeTest {

    @Test
    void parsesBinaryUnitsAndSuffixes() {
        assertEquals(4096, ByteSize.parse("4096").bytes());
        assertEquals(512L << 10, ByteSize.parse("512K").bytes());
        assertEquals(64L << 20, ByteSize.parse("64m").bytes());
        assertEquals(10L << 30, ByteSize.parse("10G").bytes());
        assertEquals(10L << 30, ByteSize.parse(" 10GiB ").bytes());
        assertEquals(1L << 40, ByteSize.parse("1TB").bytes());
    }

    @Test
    void printsTheLargestExactUnit() {
        assertEquals("10G", ByteSize.parse("10240M").toString());
        assertEquals("1536K", ByteSize.ofBytes(1536 * 1024).toString());
        assertEquals("1.5M", ByteSize.ofBytes(1536 * 1024).toHumanString());
        assertEquals("100B", ByteSize.ofBytes(100).toHumanString());
    }

    @Test
    void refusesNegativeMalformedAndOverflowingSizes() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("-4G"));
        assertTrue(negative.getMessage().contains("-4G"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("lots"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(""));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("9999999999P"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("4X"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.ofBytes(-1));
    }
}
