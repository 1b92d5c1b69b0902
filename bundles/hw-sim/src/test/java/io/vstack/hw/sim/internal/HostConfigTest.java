package io.vstack.hw.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostConfigTest {

    private static final Path DATA = Path.of("/tmp/vstack-data");

    static Hashtable<String, Object> props(Map<String, Object> values) {
        Hashtable<String, Object> props = new Hashtable<>(values);
        props.put("service.pid", "io.vstack.hw.host~esx9");
        props.put("service.factoryPid", "io.vstack.hw.host");
        props.put("felix.fileinstall.filename", "file:/etc/io.vstack.hw.host-esx9.cfg");
        return props;
    }

    @Test
    void takesTheNameFromTheAliasAndAppliesDefaults() {
        HostConfig config = HostConfig.parse("io.vstack.hw.host~esx9", props(Map.of()), DATA);
        assertEquals("esx9", config.name());
        assertEquals(4, config.cpus());
        assertEquals(8L << 30, config.memory());
        assertEquals(2, config.nics());
        assertEquals(10_000_000_000L, config.nicSpeedBits());
        assertEquals(DATA.resolve("vstack/hosts/esx9/local0"), config.localStorage());
        assertEquals(Duration.ZERO, config.storageLatency());
    }

    @Test
    void readsEveryKey() {
        HostConfig config = HostConfig.parse("io.vstack.hw.host~x", props(Map.of("name", "lab-1", "cpus", "16",
                "memory", "64G", "nics", 4, "nicSpeed", "25G", "localStorage", "/srv/local", "localCapacity", "2T",
                "seed", "42", "storageLatency", "2ms", "storageFailureRate", "0.01")), DATA);
        assertEquals("lab-1", config.name());
        assertEquals(16, config.cpus());
        assertEquals(64L << 30, config.memory());
        assertEquals(4, config.nics());
        assertEquals(25_000_000_000L, config.nicSpeedBits());
        assertEquals(Path.of("/srv/local"), config.localStorage());
        assertEquals(2L << 40, config.localCapacity());
        assertEquals(42, config.seed());
        assertEquals(Duration.ofMillis(2), config.storageLatency());
        assertEquals(0.01, config.storageFailureRate());
    }

    @Test
    void refusesNegativeMemoryNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostConfig.parse("io.vstack.hw.host~esx9", props(Map.of("memory", "-4G")), DATA));
        assertTrue(e.getMessage().startsWith("memory:"), e.getMessage());
    }

    @Test
    void refusesMalformedAndUnalignedMemory() {
        assertThrows(IllegalArgumentException.class,
                () -> HostConfig.parse("io.vstack.hw.host~esx9", props(Map.of("memory", "lots")), DATA));
        IllegalArgumentException unaligned = assertThrows(IllegalArgumentException.class,
                () -> HostConfig.parse("io.vstack.hw.host~esx9", props(Map.of("memory", "4097")), DATA));
        assertTrue(unaligned.getMessage().contains("multiple of 4K"), unaligned.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> HostConfig.parse("io.vstack.hw.host~esx9", props(Map.of("memory", "0")), DATA));
    }

    @Test
    void refusesUnknownKeysListingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostConfig.parse("io.vstack.hw.host~esx9", props(Map.of("memroy", "8G", "gpu", "1")), DATA));
        assertTrue(e.getMessage().contains("unknown keys gpu, memroy"), e.getMessage());
    }

    @Test
    void reportsEveryWrongKeyOnOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostConfig.parse("io.vstack.hw.host~esx9", props(Map.of("cpus", "0", "nics", "x",
                        "storageFailureRate", "2", "storageLatency", "-1ms", "nicSpeed", "fast")), DATA));
        String message = e.getMessage();
        assertTrue(message.contains("cpus 0 must be from 1 to 1024"), message);
        assertTrue(message.contains("nics 'x' is not a whole number"), message);
        assertTrue(message.contains("storageFailureRate 2 must be from 0 to 1"), message);
        assertTrue(message.contains("storageLatency"), message);
        assertTrue(message.contains("nicSpeed 'fast'"), message);
        assertTrue(!message.contains("\n"), message);
    }

    @Test
    void refusesBadNamesAndMissingNames() {
        assertThrows(IllegalArgumentException.class,
                () -> HostConfig.parse("io.vstack.hw.host~x", props(Map.of("name", "ESX 1")), DATA));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> HostConfig.parse("io.vstack.hw.host.1234", new Hashtable<>(), DATA));
        assertTrue(missing.getMessage().contains("name is missing"), missing.getMessage());
    }
}
