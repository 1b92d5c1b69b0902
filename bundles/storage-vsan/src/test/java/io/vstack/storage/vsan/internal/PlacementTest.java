package io.vstack.storage.vsan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.hw.Host;
import io.vstack.api.storage.BackendUnavailableException;
import io.vstack.api.storage.CapacityExceededException;
import io.vstack.api.storage.StoreSpec;
import io.vstack.api.testing.FakeHosts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlacementTest {

    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    private static List<String> names(List<Host> hosts) {
        return hosts.stream().map(Host::name).toList();
    }

    @Test
    void leastReservedHostsFirstThenByName() throws Exception {
        FakeHosts hosts = FakeHosts.withLocalDevices(dir, GIB, "esx1", "esx2", "esx3");
        Placement placement = new Placement(hosts, List.of(), 2);
        Map<String, Long> reserved = Placement.reservedPerHost(List.of(
                new VsanDescriptor(100 << 20, 4096, "esx1", List.of("esx1", "esx2"), Set.of(), 1),
                new VsanDescriptor(50 << 20, 4096, "esx1", List.of("esx1"), Set.of(), 1)));
        assertEquals(Map.of("esx1", 150L << 20, "esx2", 100L << 20), reserved);
        assertEquals(List.of("esx3", "esx2"), names(placement.choose(new StoreSpec("a", 1 << 20, 4096, "esx1"), reserved)));
        assertEquals(List.of("esx1", "esx2"), names(placement.choose(new StoreSpec("b", 1 << 20, 4096, "esx1"), Map.of())));
    }

    @Test
    void onlyMembersAreChosen() throws Exception {
        FakeHosts hosts = FakeHosts.withLocalDevices(dir, GIB, "esx1", "esx2", "esx3");
        Placement placement = new Placement(hosts, List.of("esx3", "esx2", "gone"), 2);
        assertEquals(List.of("esx3", "esx2", "gone"), placement.memberNames());
        assertEquals(List.of("esx2", "esx3"), names(placement.choose(new StoreSpec("a", 1 << 20, 4096, "esx1"), Map.of())));
    }

    @Test
    void tooFewHostsWithRoomIsCapacityTooFewUpIsUnavailable() throws Exception {
        FakeHosts hosts = FakeHosts.withLocalDevices(dir, GIB, "esx1", "esx2");
        Placement placement = new Placement(hosts, List.of(), 2);
        CapacityExceededException full = assertThrows(CapacityExceededException.class,
                () -> placement.choose(new StoreSpec("big", GIB, 4096, "esx1"), Map.of("esx2", 1L << 20)));
        assertTrue(full.getMessage().contains("it needs 2 hosts with room, 1 have it"), full.getMessage());
        hosts.knobs("esx2").setDown(true);
        BackendUnavailableException down = assertThrows(BackendUnavailableException.class,
                () -> placement.choose(new StoreSpec("small", 1 << 20, 4096, "esx1"), Map.of()));
        assertTrue(down.getMessage().startsWith("vsan: cannot place object small"), down.getMessage());
    }
}
