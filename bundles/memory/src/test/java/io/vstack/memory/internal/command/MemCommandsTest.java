package io.vstack.memory.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.memory.AddressSpace;
import io.vstack.api.memory.AddressSpaces;
import io.vstack.api.memory.Protection;
import io.vstack.api.testing.FakeHosts;
import io.vstack.api.testing.SystemOut;
import io.vstack.memory.internal.space.SpaceRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemCommandsTest {

    @TempDir
    Path dir;

    @Test
    void spaceInfoFaultsAndReclaimFindAVmsSpace() throws Exception {
        SpaceRegistry spaces = new SpaceRegistry(FakeHosts.withMemory(64 << 20, "esx1"), List.of("vm*"), dir);
        AddressSpace space = spaces.create(AddressSpaces.guestSpaceName("vm1", "esx1"), "esx1");
        space.map(0, 1 << 20, Protection.READ_WRITE);
        for (long a = 0; a < 1 << 20; a += 4096) {
            space.store(a, a);
        }
        assertThrows(Exception.class, () -> space.store(2 << 20, 1));

        SpaceInfoCommand info = new SpaceInfoCommand();
        info.spaces = spaces;
        info.name = "vm1";
        info.noFormat = true;
        String shown = SystemOut.capture(info::execute);
        assertTrue(shown.contains("vm:vm1@esx1") && shown.contains("256"), shown);

        FaultsCommand faults = new FaultsCommand();
        faults.spaces = spaces;
        faults.name = "vm1";
        String counts = SystemOut.capture(faults::execute);
        assertTrue(counts.contains("256") && counts.contains("Fault latency"), counts);

        ReclaimCommand reclaim = new ReclaimCommand();
        reclaim.spaces = spaces;
        reclaim.name = "vm:vm1@esx1";
        assertEquals("Reclaimed 256 pages of vm:vm1@esx1", SystemOut.capture(reclaim::execute).trim());

        faults.name = "nosuch";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, faults::execute);
        assertTrue(e.getMessage().startsWith("No address space and no running VM on one named 'nosuch'"), e.getMessage());
        assertEquals("0 - 2 ns", FaultsCommand.range(0));
        assertEquals("1.0 us - 2.0 us", FaultsCommand.range(10));
    }

    @Test
    void theGuestVmPatternsAreConfiguration() {
        SpaceRegistry spaces = new SpaceRegistry(FakeHosts.withMemory(64 << 20, "esx1"), List.of("web*", "db1"), dir);
        assertTrue(spaces.backsGuestMemory("web-7"));
        assertTrue(spaces.backsGuestMemory("db1"));
        assertTrue(!spaces.backsGuestMemory("db10"));
        assertThrows(IllegalArgumentException.class, () -> spaces.create("bad name", "esx1"));
        assertThrows(IllegalArgumentException.class, () -> spaces.create("ok", "nohost"));
    }
}
