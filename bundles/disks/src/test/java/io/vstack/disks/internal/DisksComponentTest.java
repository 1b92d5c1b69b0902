package io.vstack.disks.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vstack.api.testing.Configs;
import io.vstack.api.testing.LogLines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DisksComponentTest {

    @TempDir
    Path dir;

    /** No bundle context: the directory holds no disk, so nothing is published. */
    private DisksComponent component(String... keysAndValues) {
        return new DisksComponent(null, Configs.of(DisksComponent.Config.class, keysAndValues), dir);
    }

    @Test
    void aBadValueAtTheFirstStartStartsWithTheDefaults() throws Exception {
        List<String> log = LogLines.warnings(() -> {
            DisksComponent disks = component("directory", "/dev/null");
            assertEquals(new DisksComponent.Settings(dir.resolve("vstack/disks"), Duration.ofSeconds(30)), disks.settings());
            disks.deactivate();
        });
        assertEquals(List.of("io.vstack.disks: key 'directory': /dev/null is in /dev, not a directory vstack may write; "
                + "configuration refused, starting with the defaults"), log);
    }

    @Test
    void aBadValueChangesNothingAndIsOneLineNamingPidAndKey() throws Exception {
        DisksComponent disks = component("filterTimeout", "5s");
        DisksComponent.Settings before = disks.settings();
        List<String> log = LogLines.warnings(() -> {
            disks.modified(Configs.of(DisksComponent.Config.class, "filterTimeout", "-1"));
            disks.modified(Configs.of(DisksComponent.Config.class, "filterTimeout", "0"));
            disks.modified(Configs.of(DisksComponent.Config.class, "filterTimeout", "10s"));
        });
        assertEquals(3, log.size(), log.toString());
        assertEquals(true, log.get(0).startsWith("io.vstack.disks: key 'filterTimeout': "), log.get(0));
        assertEquals("io.vstack.disks: key 'filterTimeout': must be more than 0; configuration refused, keeping the previous one",
                log.get(1));
        assertEquals("io.vstack.disks: key 'filterTimeout': cannot change while running (running with 5s, configured 10s); "
                + "it applies when the bundle restarts; configuration refused, keeping the previous one", log.get(2));
        assertEquals(before, disks.settings());
        assertEquals(Duration.ofSeconds(5), disks.started().get(30, java.util.concurrent.TimeUnit.SECONDS).filterTimeout());
        disks.deactivate();
    }

    @Test
    void theOwnerLeaseIsParsedAndATooShortOneIsRefusedNamingTheKey() {
        assertEquals(Duration.ofSeconds(10), DiskOwnersComponent.lease(Configs.of(DisksComponent.Config.class)));
        assertEquals(Duration.ofMillis(500), DiskOwnersComponent.lease(Configs.of(DisksComponent.Config.class, "ownerLease", "500ms")));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DiskOwnersComponent.lease(Configs.of(DisksComponent.Config.class, "ownerLease", "50ms")));
        assertEquals("io.vstack.disks: key 'ownerLease': must be at least 100ms", e.getMessage());
    }
}
