package io.vstack.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigKeysTest {

    private static final String PID = "io.vstack.example";

    @Test
    void goodValuesParse() {
        assertEquals(4L << 20, ConfigKeys.size(PID, "cache", "4M", false));
        assertEquals(0, ConfigKeys.size(PID, "cache", "0", true));
        assertEquals(Duration.ofMillis(20), ConfigKeys.duration(PID, "latency", "20ms"));
        assertEquals("esx-1", ConfigKeys.name(PID, "host", "esx-1"));
    }

    @Test
    void badValuesAreRefusedInOneLineNamingPidAndKey() {
        assertEquals("io.vstack.example: key 'cache': must be positive",
                assertThrows(IllegalArgumentException.class, () -> ConfigKeys.size(PID, "cache", "0", false)).getMessage());
        String size = assertThrows(IllegalArgumentException.class, () -> ConfigKeys.size(PID, "capacity", "lots", false))
                .getMessage();
        assertEquals(true, size.startsWith("io.vstack.example: key 'capacity': "), size);
        String duration = assertThrows(IllegalArgumentException.class, () -> ConfigKeys.duration(PID, "latency", "soon"))
                .getMessage();
        assertEquals(true, duration.startsWith("io.vstack.example: key 'latency': "), duration);
        String name = assertThrows(IllegalArgumentException.class, () -> ConfigKeys.name(PID, "host", "a/b")).getMessage();
        assertEquals(true, name.startsWith("io.vstack.example: key 'host': "), name);
        assertEquals(false, name.contains("\n"));
    }

    @Test
    void dataDirectoryPrefersTheConfiguredOneThenKarafDataThenTheBundleArea() {
        Path bundle = Path.of("/bundle");
        assertEquals(Path.of("/custom"), ConfigKeys.dataDirectory(" /custom ", "/karaf", bundle, "vstack", "san"));
        assertEquals(Path.of("/karaf/vstack/san"), ConfigKeys.dataDirectory("", "/karaf", bundle, "vstack", "san"));
        assertEquals(Path.of("/bundle/vstack/san"), ConfigKeys.dataDirectory("", null, bundle, "vstack", "san"));
    }
}
