package io.vstack.migration.internal;

import io.vstack.api.testing.FakeHosts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.migration.MigrationException;
import io.vstack.api.migration.MigrationMode;
import io.vstack.api.migration.MigrationParams;
import io.vstack.api.migration.MigrationPhase;
import io.vstack.api.migration.MigrationReport;
import io.vstack.api.migration.MigrationStatus;
import io.vstack.api.migration.PostcopyStats;
import io.vstack.api.net.VmInterface;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.VmState;
import io.vstack.api.vm.WorkloadPattern;
import io.vstack.api.vm.WorkloadSpec;
import io.vstack.vm.internal.Eventually;
import io.vstack.vm.internal.GuestRam;
import io.vstack.vm.internal.VmManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Post-copy and hybrid migrations of real VMs between two hosts of one JVM over loopback TCP. */
class PostcopyTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private final FakeHosts hosts = FakeHosts.withMemory(160 * MIB, "esx1", "esx2");
    private VmManager vms;
    private MigrationManager migrations;

    private void start(Map<String, Integer> ports) {
        vms = new VmManager(hosts, dir.resolve("vms"), GuestRam.Order.MARK_AFTER_WRITE);
        migrations = new MigrationManager(new MigrationManager.Settings(InetAddress.getLoopbackAddress(), ports, Map.of(), 100),
                hosts, vms, vms, dir.resolve("migrations"));
        hosts.hosts().forEach(migrations::addHost);
    }

    @AfterEach
    void tearDown() {
        if (migrations != null) {
            migrations.deactivate();
        }
        if (vms != null) {
            vms.deactivate();
        }
    }

    private void runningVm(long memory, WorkloadSpec workload) throws Exception {
        vms.create(new VmSpec("vm1", "esx1", memory, 2, List.of(),
                List.of(new VmInterface("eni-1", "02:00:00:00:00:01", "net0", List.of("10.0.0.5"))), workload));
        vms.start("vm1");
    }

    private static WorkloadSpec writing(long rate, long workingSet, int writeSize) {
        return new WorkloadSpec(rate, workingSet, WorkloadPattern.UNIFORM, 0.99, writeSize, 0.25, Duration.ofMillis(1));
    }

    private long free(String host) {
        return hosts.host(host).orElseThrow().memory().freeFrames();
    }

    @Test
    void postcopyStartsTheVmAtTheDestinationAtOnceAndEveryPageArrivesEqual() throws Exception {
        start(Map.of());
        // The push is held to 16 MiB/s, so the guest (writing all over 8 MiB) touches pages before they come.
        runningVm(32 * MIB, writing(32 * MIB, 8 * MIB, 64));
        long esx1Free = free("esx1");
        MigrationStatus s = migrations.start("vm1", "esx2", MigrationParams.defaults().withMode(MigrationMode.POSTCOPY)
                .withMaxPostcopyBandwidth(16 * MIB));
        MigrationReport report = migrations.await(s.id());
        assertEquals(MigrationPhase.COMPLETED, report.status().phase());
        assertTrue(report.digestVerified(), "the digest of the pages as they arrived equals the source's at the stun");
        PostcopyStats pc = report.status().postcopy();
        assertTrue(pc.switched());
        assertEquals("postcopy mode", pc.switchReason());
        assertEquals(0, pc.precopyIterations());
        assertTrue(pc.pagesPushed() + pc.pagesRequested() >= 32 * MIB / 4096 && pc.pagesPushed() < 32 * MIB / 4096,
                "every page pushed or requested, the requested ones not pushed again: " + pc);
        assertTrue(pc.faults() > 0 && pc.pagesRequested() > 0, "the guest faulted: " + pc);
        assertTrue(pc.faultP50Nanos() > 0 && pc.faultP50Nanos() <= pc.faultP99Nanos() && pc.faultP99Nanos() <= pc.faultMaxNanos(), pc.toString());
        assertEquals(0, pc.recoveries());
        assertEquals("esx2", vms.vm("vm1").orElseThrow().host());
        assertEquals(VmState.RUNNING, vms.vm("vm1").orElseThrow().state());
        assertEquals(esx1Free + 32 * MIB / 4096, free("esx1"), "the source freed the VM's memory");
        String json = Files.readString(report.metricsFile().orElseThrow());
        assertTrue(json.contains("\"postcopy\"") && json.contains("\"faultP99Nanos\""), json);
        long writes = vms.vm("vm1").orElseThrow().guestWrites();
        Eventually.await("the guest runs on at the destination", () -> vms.vm("vm1").orElseThrow().guestWrites() > writes);
    }

    @Test
    void cuttingTheConnectionMidPostcopyPausesThenRecoveryResendsAndEveryPageEndsEqual() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        start(Map.of("esx2", port));
        runningVm(32 * MIB, writing(16 * MIB, 8 * MIB, 8));
        MigrationStatus s = migrations.start("vm1", "esx2", MigrationParams.defaults().withMode(MigrationMode.POSTCOPY)
                .withMaxPostcopyBandwidth(8 * MIB));
        Eventually.await("post-copy under way", () -> migrations.status(s.id()).orElseThrow().postcopy().pagesPushed() > 500);
        // First cut: the source reconnects on its own.
        assertTrue(migrations.cutPostcopyConnection(s.id()));
        Eventually.await("recovered automatically", () -> migrations.status(s.id()).orElseThrow().postcopy().recoveries() == 1);
        // Second cut with the destination's endpoint down: the migration stays paused until migrate:recover.
        migrations.removeHost(hosts.host("esx2").orElseThrow());
        assertTrue(migrations.cutPostcopyConnection(s.id()));
        Eventually.await("paused", () -> migrations.status(s.id()).orElseThrow().phase() == MigrationPhase.POSTCOPY_PAUSED);
        assertEquals("migration " + s.id() + " is in post-copy: the VM runs at esx2 and part of its memory is still at esx1; "
                + "it can no longer be cancelled", assertThrows(MigrationException.class, () -> migrations.cancel(s.id())).getMessage());
        migrations.addHost(hosts.host("esx2").orElseThrow());
        try {
            migrations.recover("vm1");
        } catch (MigrationException e) {
            // Only if an automatic attempt got there between the two lines above.
            assertTrue(e.getMessage().endsWith("is in post-copy and connected: nothing to recover"), e.getMessage());
        }
        MigrationReport report = migrations.await(s.id());
        assertTrue(report.digestVerified(), "after two broken connections every page arrived equal to the source's");
        PostcopyStats pc = report.status().postcopy();
        assertEquals(2, pc.recoveries());
        assertTrue(pc.pagesRequested() + pc.pagesPushed() >= 32 * MIB / 4096, "pages lost in flight were sent again: " + pc);
        assertEquals("esx2", vms.vm("vm1").orElseThrow().host());
        assertEquals(160 * MIB / 4096, free("esx1"), "the source freed the VM's memory");
        long writes = vms.vm("vm1").orElseThrow().guestWrites();
        Eventually.await("the guest runs on at the destination", () -> vms.vm("vm1").orElseThrow().guestWrites() > writes);
        assertEquals("No migration of VM 'vm1' runs from this process; migrate:status shows them (recover on the source's process)",
                assertThrows(MigrationException.class, () -> migrations.recover("vm1")).getMessage());
    }

    @Test
    void aCorruptFrameInPostcopyPausesWithAOneLineErrorAndRecoveryLosesNothing() throws Exception {
        start(Map.of());
        runningVm(32 * MIB, writing(16 * MIB, 8 * MIB, 8));
        MigrationStatus s = migrations.start("vm1", "esx2", MigrationParams.defaults().withMode(MigrationMode.POSTCOPY)
                .withMaxPostcopyBandwidth(8 * MIB));
        Eventually.await("post-copy under way", () -> migrations.status(s.id()).orElseThrow().postcopy().pagesPushed() > 500);
        assertTrue(migrations.corruptPostcopyFrame(s.id()));
        MigrationReport report = migrations.await(s.id());
        assertTrue(report.digestVerified(), "the corrupt frame was refused, not applied; every page arrived equal");
        assertTrue(report.status().postcopy().recoveries() >= 1, report.status().postcopy().toString());
        assertEquals("esx2", vms.vm("vm1").orElseThrow().host());
        assertEquals(VmState.RUNNING, vms.vm("vm1").orElseThrow().state());
    }

    @Test
    void hybridSwitchesToPostcopyWhenPrecopyWillNotConverge() throws Exception {
        start(Map.of());
        // 64 MB/s of dirtying over 8 MiB against a 16 MiB/s stream: pre-copy cannot converge.
        runningVm(16 * MIB, writing(64 * MIB, 8 * MIB, 8));
        MigrationStatus s = migrations.start("vm1", "esx2", MigrationParams.defaults().withMode(MigrationMode.HYBRID)
                .withMaxBandwidth(16 * MIB).withMaxPostcopyBandwidth(16 * MIB).withAutoConverge(false));
        MigrationReport report = migrations.await(s.id());
        assertTrue(report.digestVerified());
        PostcopyStats pc = report.status().postcopy();
        assertTrue(pc.switched(), pc.toString());
        assertTrue(pc.switchReason().startsWith("not converging: "), pc.switchReason());
        assertTrue(pc.precopyIterations() >= HybridPolicy.STRIKES, pc.toString());
        assertTrue(pc.switchedAfterNanos() > 0 && pc.switchedAfterNanos() < report.totalNanos());
        assertEquals("esx2", vms.vm("vm1").orElseThrow().host());
    }

    @Test
    void aPostcopyAbandonedAtShutdownSaysOnceThatTheVmRunsAtTheDestination() throws Exception {
        start(Map.of());
        runningVm(32 * MIB, writing(16 * MIB, 8 * MIB, 8));
        MigrationStatus s = migrations.start("vm1", "esx2", MigrationParams.defaults().withMode(MigrationMode.POSTCOPY)
                .withMaxPostcopyBandwidth(MIB));
        Eventually.await("post-copy under way", () -> migrations.status(s.id()).orElseThrow().postcopy().pagesPushed() > 100);
        migrations.deactivate();
        String message = assertThrows(MigrationException.class, () -> migrations.await(s.id())).getMessage();
        assertTrue(message.startsWith("migration " + s.id() + " of VM vm1 failed: post-copy abandoned (shutdown) with "), message);
        assertTrue(message.endsWith(" pages still at esx1; the VM runs on esx2"), message);
        assertEquals(message.indexOf("the VM runs on"), message.lastIndexOf("the VM runs on"), message);
    }

    @Test
    void hybridThatConvergesStaysPrecopy() throws Exception {
        start(Map.of());
        runningVm(16 * MIB, writing(MIB, MIB, 64));
        MigrationReport report = migrations.await(migrations.start("vm1", "esx2",
                MigrationParams.defaults().withMode(MigrationMode.HYBRID)).id());
        assertTrue(report.digestVerified());
        assertEquals(PostcopyStats.NONE, report.status().postcopy());
        assertTrue(report.downtimeNanos() > 0);
    }

    @Test
    void aPeerThatIsNotADestinationRefusesRecoveryInOneLine() throws Exception {
        start(Map.of());
        InetSocketAddress esx2 = migrations.endpoint("esx2").orElseThrow();
        try (java.nio.channels.SocketChannel s = java.nio.channels.SocketChannel.open(esx2)) {
            java.util.UUID id = java.util.UUID.randomUUID();
            Wire.writePreamble(s, Wire.VERSION, Wire.ROLE_RECOVER, 0, 0, id);
            Wire.readPreamble(s, "esx2");
            FrameReader.Frame f = new FrameReader(s, "esx2", new java.util.concurrent.atomic.AtomicLong()).read();
            assertEquals(Wire.ERROR, f.type());
            assertEquals("no post-copy migration " + id + " on host esx2", Wire.getString(f.payload()));
        }
    }
}
