package io.vstack.hw.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.hw.Host;
import io.vstack.api.testing.LogLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostInventoryTest {

    @TempDir
    Path data;

    private final List<String> published = new ArrayList<>();
    private final List<String> withdrawn = new ArrayList<>();

    private HostInventory inventory() {
        return new HostInventory(data, host -> {
            published.add(host.name());
            return () -> withdrawn.add(host.name());
        });
    }

    private static Hashtable<String, Object> props(Map<String, Object> values) {
        return new Hashtable<>(values);
    }

    @Test
    void configurationsBecomePublishedHosts() {
        HostInventory inventory = inventory();
        inventory.update("io.vstack.hw.host~esx2", props(Map.of("memory", "1G")));
        inventory.update("io.vstack.hw.host~esx1", props(Map.of("memory", "2G", "cpus", "8")));
        assertEquals(List.of("esx1", "esx2"), inventory.hosts().stream().map(Host::name).toList());
        assertEquals(List.of("esx2", "esx1"), published);
        Host esx1 = inventory.host("esx1").orElseThrow();
        assertEquals(8, esx1.cpus().size());
        assertEquals((2L << 30) / 4096, esx1.memory().totalFrames());
        assertTrue(Files.isDirectory(data.resolve("vstack/hosts/esx1/local0")));
        assertEquals(List.of("0000:00:00.0", "0000:00:03.0", "0000:00:04.0", "0000:00:10.0"),
                esx1.pciDevices().stream().map(d -> d.address().toString()).toList(),
                "host bridge, two NICs and the SCSI controller, in address order");
    }

    @Test
    void aBadConfigurationCreatesNoHostAndTouchesNoOther() {
        HostInventory inventory = inventory();
        inventory.update("io.vstack.hw.host~esx1", props(Map.of()));
        inventory.update("io.vstack.hw.host~bad", props(Map.of("memory", "-4G")));
        inventory.update("io.vstack.hw.host~worse", props(Map.of("colour", "blue")));
        assertEquals(List.of("esx1"), inventory.hosts().stream().map(Host::name).toList());
        assertEquals(List.of("esx1"), published);
        assertEquals(List.of(), withdrawn);
    }

    @Test
    void aBadUpdateKeepsThePreviousHost() {
        HostInventory inventory = inventory();
        inventory.update("io.vstack.hw.host~esx1", props(Map.of("cpus", "2")));
        Host before = inventory.host("esx1").orElseThrow();
        inventory.update("io.vstack.hw.host~esx1", props(Map.of("cpus", "-2")));
        assertSame(before, inventory.host("esx1").orElseThrow());
        assertEquals(List.of(), withdrawn);
    }

    @Test
    void memoryTheMachineCannotBackAndASystemDirectoryAreRefusedInOneLine() throws Exception {
        HostInventory inventory = inventory();
        inventory.update("io.vstack.hw.host~esx1", props(Map.of("memory", "1G")));
        Host before = inventory.host("esx1").orElseThrow();
        List<String> log = LogLines.warnings(() -> {
            inventory.update("io.vstack.hw.host~esx1", props(Map.of("memory", "1P")));
            inventory.update("io.vstack.hw.host~esx1", props(Map.of("memory", "1G", "localStorage", "/proc/self")));
        });
        assertEquals(2, log.size(), log.toString());
        assertTrue(log.get(0).matches("Host configuration io.vstack.hw.host~esx1 refused: memory 1P is more than this "
                + "machine's physical memory \\([0-9.]+[GT]\\); host esx1 keeps its previous configuration"), log.get(0));
        assertEquals("Host configuration io.vstack.hw.host~esx1 refused: localStorage: /proc/self is in /proc, not a "
                + "directory vstack may write; host esx1 keeps its previous configuration", log.get(1));
        assertSame(before, inventory.host("esx1").orElseThrow());
        assertEquals(List.of(), withdrawn);
    }

    @Test
    void aChangedConfigurationReplacesTheHostAndAnUnchangedOneDoesNot() {
        HostInventory inventory = inventory();
        inventory.update("io.vstack.hw.host~esx1", props(Map.of("cpus", "2")));
        Host first = inventory.host("esx1").orElseThrow();
        inventory.update("io.vstack.hw.host~esx1", props(Map.of("cpus", "2")));
        assertSame(first, inventory.host("esx1").orElseThrow());
        inventory.update("io.vstack.hw.host~esx1", props(Map.of("cpus", "6")));
        Host second = inventory.host("esx1").orElseThrow();
        assertNotSame(first, second);
        assertEquals(6, second.cpus().size());
        assertEquals(List.of("esx1"), withdrawn);
    }

    @Test
    void deletingAConfigurationRemovesItsHost() {
        HostInventory inventory = inventory();
        inventory.update("io.vstack.hw.host~esx1", props(Map.of()));
        inventory.delete("io.vstack.hw.host~esx1");
        inventory.delete("io.vstack.hw.host~never");
        assertTrue(inventory.hosts().isEmpty());
        assertEquals(List.of("esx1"), withdrawn);
    }

    @Test
    void twoConfigurationsCannotClaimOneName() {
        HostInventory inventory = inventory();
        inventory.update("io.vstack.hw.host~a", props(Map.of("name", "esx1")));
        inventory.update("io.vstack.hw.host~b", props(Map.of("name", "esx1", "cpus", "9")));
        assertEquals(4, inventory.host("esx1").orElseThrow().cpus().size());
        assertEquals(List.of("esx1"), published);
    }

    @Test
    void clearWithdrawsEveryHost() {
        HostInventory inventory = inventory();
        inventory.update("io.vstack.hw.host~esx1", props(Map.of()));
        inventory.update("io.vstack.hw.host~esx2", props(Map.of()));
        inventory.clear();
        assertTrue(inventory.hosts().isEmpty());
        assertEquals(2, withdrawn.size());
    }
}
