package io.vstack.api.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.storage.BackendType;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiskSpecTest {

    @Test
    void acceptsAWellFormedSpec() {
        DiskSpec spec = DiskSpec.of("db-1", 10L << 30, BackendType.LOCAL, "esx1");
        assertEquals(4096, spec.blockSize());
        assertEquals(Optional.empty(), spec.parent());
    }

    @Test
    void namesTheWrongField() {
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> DiskSpec.of("../etc", 4096, BackendType.LOCAL, "esx1"));
        assertTrue(name.getMessage().contains("disk name"), name.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> DiskSpec.of("d", 4095, BackendType.LOCAL, "esx1"));
        assertTrue(size.getMessage().contains("size"), size.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new DiskSpec("d", 4096, 3000, BackendType.LOCAL, "esx1", Optional.empty()));
    }

    @Test
    void parsesAnyWellFormedBackendTypeName() {
        assertEquals(BackendType.VSAN, BackendType.parse("vSAN"));
        assertEquals("tape", BackendType.parse(" Tape ").id(), "a type this API does not list parses: a backend may name it");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> BackendType.parse("tape drive"));
        assertEquals("bad backend type 'tape drive': lowercase letters, digits and dashes, starting with a letter, "
                + "at most 32 characters", unknown.getMessage());
        assertEquals(java.util.List.of(0, 5, 6), java.util.List.of(BackendType.SAN.rank(), BackendType.SHARED.rank(),
                BackendType.parse("pool").rank()));
    }
}
