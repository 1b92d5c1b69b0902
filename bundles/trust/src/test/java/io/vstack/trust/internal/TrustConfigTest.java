package io.vstack.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustConfigTest {

    private static Dictionary<String, Object> props(String... pairs) {
        Dictionary<String, Object> properties = new Hashtable<>();
        for (int i = 0; i < pairs.length; i += 2) {
            properties.put(pairs[i], pairs[i + 1]);
        }
        return properties;
    }

    @Test
    void defaultsEnforce() {
        assertEquals(TrustConfig.Mode.ENFORCE, TrustConfig.parse(null).mode());
        assertEquals(TrustConfig.Mode.ENFORCE, TrustConfig.parse(props("service.pid", "io.vstack.trust")).mode());
    }

    @Test
    void parsesEveryKey(@TempDir Path dir) {
        String storeDir = dir.resolve("s").toString();
        TrustConfig config = TrustConfig.parse(props("mode", "log-only", "storeDir", storeDir, "keyFile", "/k",
                "allowSymbolicNames", "a.b*, PAXEXAM-PROBE-*", "requireSignature", "true"));
        assertEquals(TrustConfig.Mode.LOG_ONLY, config.mode());
        assertEquals(Optional.of(storeDir), config.storeDir());
        assertEquals(List.of("a.b*", "PAXEXAM-PROBE-*"), config.allowSymbolicNames());
        assertTrue(config.requireSignature());
        assertEquals(Optional.of("a.b*"), config.allowed("a.bc"));
        assertEquals(Optional.empty(), config.allowed("xa.bc"));
    }

    @Test
    void refusesBadValuesNamingEveryKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrustConfig.parse(
                props("mode", "sometimes", "allowSymbolicNames", "*", "requireSignature", "maybe", "colour", "blue")));
        for (String key : List.of("mode", "allowSymbolicNames", "requireSignature", "colour")) {
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
    }

    @Test
    void refusesAStoreDirectoryVstackMayNotWrite() {
        assertEquals("storeDir: /proc/self is in /proc, not a directory vstack may write", assertThrows(
                IllegalArgumentException.class, () -> TrustConfig.parse(props("storeDir", "/proc/self"))).getMessage());
    }

    @Test
    void mavenLocationsMapToTheSystemFolder() {
        assertEquals(Optional.of("org/foo/bar/1.0/bar-1.0.jar"), BundleSource.mavenPath("mvn:org.foo/bar/1.0"));
        assertEquals(Optional.of("org/foo/bar/1.0/bar-1.0-features.xml"),
                BundleSource.mavenPath("mvn:org.foo/bar/1.0/xml/features"));
        assertEquals(Optional.of("g/a/2/a-2.jar"), BundleSource.mavenPath("mvn:http://repo!g/a/2"));
        assertEquals(Optional.empty(), BundleSource.mavenPath("mvn:g/a/[1,2)"));
        assertEquals(Optional.empty(), BundleSource.mavenPath("mvn:g/../a/1"));
    }
}
