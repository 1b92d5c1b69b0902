package io.vstack.migration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vstack.api.testing.Configs;
import io.vstack.api.testing.FakeHosts;
import io.vstack.api.testing.LogLines;
import io.vstack.vm.internal.GuestRam;
import io.vstack.vm.internal.VmManager;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad configuration of io.vstack.migration changes nothing; a good one applies what it can in place. */
class MigrationConfigTest {

    @TempDir
    Path dir;

    @Test
    void aBadValueChangesNothingAndIsOneLineNamingPidAndKey() throws Exception {
        FakeHosts hosts = FakeHosts.withMemory(64 << 20, "esx1");
        VmManager vms = new VmManager(hosts, dir.resolve("vms"), GuestRam.Order.MARK_AFTER_WRITE);
        MigrationManager migrations = new MigrationManager(
                MigrationManager.Settings.parse(Configs.of(MigrationManager.Config.class, "historySize", "5")),
                hosts, vms, vms, dir.resolve("migrations"));
        hosts.hosts().forEach(migrations::addHost);
        try {
            MigrationManager.Settings before = migrations.settings();
            List<String> log = LogLines.warnings(() -> {
                migrations.modified(Configs.of(MigrationManager.Config.class, "historySize", "0"));
                migrations.modified(Configs.of(MigrationManager.Config.class, "ports", "esx1=abc"));
                migrations.modified(Configs.of(MigrationManager.Config.class, "ports", "esx1=7001", "historySize", "5"));
            });
            assertEquals(List.of(
                    "io.vstack.migration: key 'historySize': 0 must be from 1 to 10000; configuration refused, keeping the previous one",
                    "io.vstack.migration: key 'ports': 'abc' of host esx1 is not a port (1..65535); configuration refused, "
                            + "keeping the previous one",
                    "io.vstack.migration: key 'ports': cannot change while running (running with {}, configured {esx1=7001}); "
                            + "it applies when the bundle restarts; configuration refused, keeping the previous one"), log);
            assertEquals(before, migrations.settings());
            assertEquals(true, migrations.endpoint("esx1").isPresent());

            migrations.modified(Configs.of(MigrationManager.Config.class, "historySize", "7", "remoteHosts", "esx3=10.0.0.7:7001"));
            assertEquals(7, migrations.settings().historySize());
            assertEquals(Map.of("esx3", InetSocketAddress.createUnresolved("10.0.0.7", 7001)), migrations.settings().remoteHosts());
        } finally {
            migrations.deactivate();
            vms.deactivate();
        }
    }
}
