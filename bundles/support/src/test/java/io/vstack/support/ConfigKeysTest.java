package io.vstack.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertEquals(Path.of("/custom"), ConfigKeys.dataDirectory(" /custom ", Path.of("/karaf"), "vstack", "san"));
        assertEquals(Path.of("/karaf/vstack/san"), ConfigKeys.dataDirectory("", Path.of("/karaf"), "vstack", "san"));
        assertEquals(Path.of("/bundle/vstack/san"), ConfigKeys.dataDirectory("", bundle, "vstack", "san"));
    }

    @Test
    void wholeNumbersAreCheckedAgainstTheirRange() {
        assertEquals(3, ConfigKeys.wholeNumber(PID, "paths", " 3 ", 2, 8));
        assertEquals("io.vstack.example: key 'paths': 9 must be from 2 to 8",
                assertThrows(IllegalArgumentException.class, () -> ConfigKeys.wholeNumber(PID, "paths", "9", 2, 8)).getMessage());
        assertEquals("io.vstack.example: key 'paths': 'abc' is not a whole number",
                assertThrows(IllegalArgumentException.class, () -> ConfigKeys.wholeNumber(PID, "paths", "abc", 2, 8)).getMessage());
    }

    @Test
    void aDirectoryMustBeOneVstackMayWrite(@TempDir Path dir) throws Exception {
        assertEquals(dir.resolve("new/sub"), ConfigKeys.writableDirectory(PID, "directory", dir.resolve("new/sub")));
        assertEquals(dir, ConfigKeys.writableDirectory(PID, "directory", dir));
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertEquals("io.vstack.example: key 'directory': " + file + " is a file, not a directory",
                refusal(file));
        assertEquals("io.vstack.example: key 'directory': " + file + " is a file, not a directory",
                refusal(file.resolve("below")));
        assertEquals("io.vstack.example: key 'directory': /dev/null is in /dev, not a directory vstack may write",
                refusal(Path.of("/dev/null")));
        assertEquals("io.vstack.example: key 'directory': /proc/self is in /proc, not a directory vstack may write",
                refusal(Path.of("/proc/self")));
        Path link = Files.createSymbolicLink(dir.resolve("link"), Path.of("/sys"));
        assertEquals("io.vstack.example: key 'directory': " + link + " is in /sys, not a directory vstack may write",
                refusal(link));
        Files.delete(link);
    }

    private static String refusal(Path path) {
        return assertThrows(IllegalArgumentException.class, () -> ConfigKeys.writableDirectory(PID, "directory", path))
                .getMessage();
    }
}
