package io.vstack.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigGuardTest {

    private static final String PID = "io.vstack.example";

    /** An example component configuration. */
    @interface Config {
        String size() default "4M";

        String directory() default "/var/tmp";
    }

    record Settings(long size, String directory) {
    }

    private static Settings parse(Config config) {
        return new Settings(ConfigKeys.size(PID, "size", config.size(), false), config.directory());
    }

    private static Config config(String size, String directory) {
        return new Config() {
            @Override
            public String size() {
                return size;
            }

            @Override
            public String directory() {
                return directory;
            }

            @Override
            public Class<Config> annotationType() {
                return Config.class;
            }
        };
    }

    @Test
    void aRefusedValueAtTheFirstStartStartsWithTheDefaults() {
        ConfigGuard<Config, Settings> guard = ConfigGuard.start(config("0", "/a"), ConfigGuard.defaults(Config.class),
                ConfigGuardTest::parse);
        assertEquals(new Settings(4 << 20, "/var/tmp"), guard.current());
    }

    @Test
    void aRefusedChangeKeepsThePreviousSettingsAndNamesPidAndKey() {
        ConfigGuard<Config, Settings> guard = ConfigGuard.start(config("1M", "/a"), ConfigGuard.defaults(Config.class),
                ConfigGuardTest::parse);
        List<Settings> applied = new ArrayList<>();
        Optional<String> refusal = guard.update(config("abc", "/b"), (previous, next) -> applied.add(next));
        assertTrue(refusal.orElseThrow().startsWith("io.vstack.example: key 'size': "), refusal.orElseThrow());
        assertEquals(new Settings(1 << 20, "/a"), guard.current());
        assertEquals(List.of(), applied);
    }

    @Test
    void anAcceptedChangeIsAppliedOnceAndAnApplierMayRefuseIt() {
        ConfigGuard<Config, Settings> guard = ConfigGuard.start(config("1M", "/a"), ConfigGuard.defaults(Config.class),
                ConfigGuardTest::parse);
        List<Settings> applied = new ArrayList<>();
        assertEquals(Optional.empty(), guard.update(config("2M", "/a"), (previous, next) -> applied.add(next)));
        assertEquals(Optional.empty(), guard.update(config("2M", "/a"), (previous, next) -> applied.add(next)));
        assertEquals(List.of(new Settings(2 << 20, "/a")), applied);

        Optional<String> refusal = guard.update(config("2M", "/b"),
                (previous, next) -> ConfigKeys.requireUnchanged(PID, "directory", previous.directory(), next.directory()));
        assertEquals("io.vstack.example: key 'directory': cannot change while running (running with /a, configured /b); "
                + "it applies when the bundle restarts", refusal.orElseThrow());
        assertEquals(new Settings(2 << 20, "/a"), guard.current());
    }
}
