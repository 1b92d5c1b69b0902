package io.vstack.migration.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vstack.api.testing.FakeHosts;
import io.vstack.api.testing.InMemoryDisk;
import io.vstack.api.testing.InMemoryDiskManager;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.migration.MigrationException;
import io.vstack.api.migration.MigrationParams;
import io.vstack.api.migration.MigrationPhase;
import io.vstack.api.migration.MigrationReport;
import io.vstack.api.migration.MigrationStatus;
import io.vstack.api.net.MobilityEvent;
import io.vstack.api.net.NetworkProgrammer;
import io.vstack.api.net.NetworkProgrammingException;
import io.vstack.api.net.VmInterface;
import io.vstack.api.vm.DiskOwnership;
import io.vstack.api.vm.IncomingVm;
import io.vstack.api.vm.OutgoingVm;
import io.vstack.api.vm.VmException;
import io.vstack.api.vm.VmMobility;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.VmState;
import io.vstack.api.vm.WorkloadPattern;
import io.vstack.api.vm.WorkloadSpec;
import io.vstack.migration.internal.command.MigrateHistoryCommand;
import io.vstack.vm.internal.Eventually;
import io.vstack.vm.internal.GuestRam;
import io.vstack.vm.internal.VmManager;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real VMs migrating between two hosts of one JVM over loopback TCP. */
class MigrationTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private final FakeHosts hosts = FakeHosts.withMemory(160 * MIB, "esx1", "esx2");
    private final InMemoryDiskManager disks = new InMemoryDiskManager();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private VmManager vms;
    private MigrationManager migrations;
    private ServerSocketChannel fakePeer;

    private MigrationManager start(Map<String, InetSocketAddress> remotes) throws Exception {
        vms = new VmManager(hosts, dir.resolve("vms"), GuestRam.Order.MARK_AFTER_WRITE);
        vms.bindDisks(disks);
        migrations = new MigrationManager(new MigrationManager.Settings(InetAddress.getLoopbackAddress(), Map.of(), remotes, 100),
                hosts, vms, vms, dir.resolve("migrations"));
        hosts.hosts().forEach(migrations::addHost);
        return migrations;
    }

    @AfterEach
    void tearDown() throws IOException {
        if (migrations != null) {
            migrations.deactivate();
        }
        if (vms != null) {
            vms.deactivate();
        }
        if (fakePeer != null) {
            fakePeer.close();
        }
    }

    private VmInfo runningVm(String name, long memory, WorkloadSpec workload) throws Exception {
        disks.add(new InMemoryDisk("disk-" + name, 1 << 20, 4096));
        vms.create(new VmSpec(name, "esx1", memory, 2, List.of("disk-" + name), List.of(new VmInterface("eni-" + name, "02:00:00:00:00:01",
                "net0", List.of("10.0.0." + (1 + Math.floorMod(name.hashCode(), 250))))), workload));
        return vms.start(name);
    }

    private static WorkloadSpec writing(long rate, long workingSet, int writeSize) {
        return new WorkloadSpec(rate, workingSet, WorkloadPattern.UNIFORM, 0.99, writeSize, 0.25, Duration.ofMillis(1));
    }

    private long free(String host) {
        return hosts.host(host).orElseThrow().memory().freeFrames();
    }

    /** A programmer that records its calls (and can fail its reprogram). */
    private NetworkProgrammer recorder(boolean failReprogram) {
        return new NetworkProgrammer() {
            @Override
            public String name() {
                return "recorder";
            }

            @Override
            public void prepare(MobilityEvent event) {
                calls.add("prepare " + event.vmId() + " " + event.sourceHost() + ">" + event.destinationHost());
            }

            @Override
            public void reprogram(MobilityEvent event) throws NetworkProgrammingException {
                calls.add("reprogram");
                if (failReprogram) {
                    throw new NetworkProgrammingException("controller refused the attachment");
                }
            }

            @Override
            public void complete(MobilityEvent event) {
                calls.add("complete");
            }

            @Override
            public void rollback(MobilityEvent event) {
                calls.add("rollback");
            }
        };
    }

    @Test
    void aRunningVmMovesWithEveryPageVerifiedAndTheNetworkReprogrammed() throws Exception {
        start(Map.of());
        migrations.addProgrammer(recorder(false));
        List<String> disks = new CopyOnWriteArrayList<>();
        migrations.setDiskOwnership(new DiskOwnership() {
            @Override
            public void handOver(String vmId, List<String> diskIds, String from, String to) {
                disks.add(vmId + ":" + diskIds + ":" + from + ">" + to);
            }

            @Override
            public void handBack(String vmId, List<String> diskIds, String from, String to) {
                disks.add("back");
            }
        });
        runningVm("vm1", 64 * MIB, writing(32 * MIB, 16 * MIB, 64));
        long esx1Free = free("esx1");
        MigrationStatus started = migrations.start("vm1", "esx2", MigrationParams.defaults());
        MigrationReport report = migrations.await(started.id());
        assertEquals(MigrationPhase.COMPLETED, report.status().phase());
        assertTrue(report.digestVerified(), "the destination's digest of all pages matched");
        VmInfo moved = vms.vm("vm1").orElseThrow();
        assertEquals("esx2", moved.host());
        assertEquals(VmState.RUNNING, moved.state());
        assertEquals(esx1Free + 64 * MIB / 4096, free("esx1"), "the source freed the VM's memory");
        assertEquals(List.of("prepare vm1 esx1>esx2", "reprogram", "complete"), calls);
        assertEquals(List.of("vm1:[disk-vm1]:esx1>esx2"), disks);
        assertTrue(report.downtimeNanos() > 0 && report.sourceDowntimeNanos() > 0);
        assertTrue(report.pagesZero() > 0, "the untouched quarter went as zero pages");
        assertEquals(-1, report.blackoutNanos(), "no programmer measured traffic");
        JsonNode metrics = new ObjectMapper().readTree(report.metricsFile().orElseThrow().toFile());
        assertTrue(metrics.has("iterations"), metrics.toString());
        assertTrue(metrics.get("digestVerified").asBoolean(), metrics.toString());
        JsonNode row = new ObjectMapper().valueToTree(MigrateHistoryCommand.toJson(migrations.history().get(0)));
        assertEquals("vm1", row.get("vm").asText());
        assertEquals("completed", row.get("result").asText());
        assertEquals(report.downtimeNanos(), row.get("downtimeNanos").asLong());
        assertEquals(report.wireBytes(), row.get("wireBytes").asLong());
        long writes = vms.vm("vm1").orElseThrow().guestWrites();
        Eventually.await("the guest runs at the destination", () -> vms.vm("vm1").orElseThrow().guestWrites() > writes);
        assertEquals(1, migrations.history().size());
    }

    @Test
    void finishedRunsKeepNoHoldOnTheGuestMemoryTheyMoved() throws Exception {
        vms = new VmManager(hosts, dir.resolve("vms"), GuestRam.Order.MARK_AFTER_WRITE);
        vms.bindDisks(disks);
        List<WeakReference<OutgoingVm>> moved = new CopyOnWriteArrayList<>(); // each holds its VM's guest memory
        VmMobility watched = new VmMobility() {
            @Override
            public OutgoingVm migrateOut(String vmId, String destinationHost) throws VmException {
                OutgoingVm out = vms.migrateOut(vmId, destinationHost);
                moved.add(new WeakReference<>(out));
                return out;
            }

            @Override
            public IncomingVm prepareIncoming(VmSpec spec) throws VmException {
                return vms.prepareIncoming(spec);
            }
        };
        migrations = new MigrationManager(new MigrationManager.Settings(InetAddress.getLoopbackAddress(), Map.of(), Map.of(), 100),
                hosts, vms, watched, dir.resolve("migrations"));
        hosts.hosts().forEach(migrations::addHost);
        runningVm("vm1", 16 * MIB, WorkloadSpec.idle());
        for (String to : List.of("esx2", "esx1")) {
            migrations.await(migrations.start("vm1", to, MigrationParams.defaults()).id());
        }
        assertEquals(2, migrations.history().size());
        // A history of 100 runs of a 1 GiB VM once kept 100 guest memories' page objects (9 GB of heap).
        Eventually.await("the guest memory each run moved away is collectable", () -> {
            System.gc();
            return moved.stream().allMatch(ref -> ref.get() == null);
        });
    }

    @Test
    void theBlackoutAProgrammerMeasuredIsInTheReport() throws Exception {
        start(Map.of());
        long[] delivered = new long[2]; // last frame before the move (before the stun), first one after it
        migrations.addProgrammer(new NetworkProgrammer() {
            @Override
            public String name() {
                return "probe";
            }

            @Override
            public void prepare(MobilityEvent event) {
                delivered[0] = System.nanoTime();
            }

            @Override
            public void reprogram(MobilityEvent event) {
                delivered[1] = System.nanoTime() + 3_000_000;
            }

            @Override
            public void complete(MobilityEvent event) {
            }

            @Override
            public void rollback(MobilityEvent event) {
            }

            @Override
            public Map<String, Long> figures(MobilityEvent event) {
                return Map.of("lastDeliveredBeforeNanos", delivered[0], "firstDeliveredAfterNanos", delivered[1]);
            }
        });
        runningVm("vm1", 16 * MIB, WorkloadSpec.idle());
        MigrationReport report = migrations.await(migrations.start("vm1", "esx2", MigrationParams.defaults()).id());
        assertEquals(delivered[1] - delivered[0], report.blackoutNanos(), "first frame after − last frame before (it precedes the stun)");
    }

    @Test
    void aSuspendedVmArrivesWithEveryPageEqual() throws Exception {
        start(Map.of());
        runningVm("vm1", 16 * MIB, writing(16 * MIB, 8 * MIB, 4096));
        Eventually.await("writes", () -> vms.vm("vm1").orElseThrow().guestWrites() > 1000);
        vms.suspend("vm1");
        int[] before = checksums("vm1", "esx1");
        MigrationReport report = migrations.await(migrations.start("vm1", "esx2", MigrationParams.defaults().withChannels(2)).id());
        assertTrue(report.digestVerified());
        assertEquals(VmState.SUSPENDED, vms.vm("vm1").orElseThrow().state());
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(checksums("vm1", "esx2")));
    }

    /** CRC32C of every page, read through a migration handle of a suspended VM (then given back). */
    private int[] checksums(String vm, String host) throws Exception {
        String other = host.equals("esx1") ? "esx2" : "esx1";
        io.vstack.api.vm.OutgoingVm out = vms.migrateOut(vm, other);
        int[] crcs = new int[(int) out.memory().pages()];
        CRC32C crc = new CRC32C();
        for (int pfn = 0; pfn < crcs.length; pfn++) {
            crc.reset();
            crc.update(out.memory().page(pfn));
            crcs[pfn] = (int) crc.getValue();
        }
        out.abort();
        return crcs;
    }

    @Test
    void manyMigrationsUnderAWritingWorkloadLoseNoUpdate() throws Exception {
        start(Map.of());
        // 8-byte writes at 64 MB/s of dirty pages over all of a 16 MiB VM: every round races the guest.
        // Full-memory verification: the destination's pages must equal the source's memory at the stun,
        // so a guest write the dirty log lost (never re-sent) fails the run.
        runningVm("vm1", 16 * MIB, writing(64 * MIB, 0, 8));
        String[] hostsInTurn = {"esx2", "esx1"};
        for (int i = 0; i < 20; i++) {
            MigrationParams params = MigrationParams.defaults().withVerifyFullMemory(true).withChannels(i % 3)
                    .withDowntimeLimit(Duration.ofMillis(5 + i));
            MigrationReport report = migrations.await(migrations.start("vm1", hostsInTurn[i % 2], params).id());
            assertTrue(report.digestVerified(), "run " + i);
            assertEquals(hostsInTurn[i % 2], vms.vm("vm1").orElseThrow().host());
        }
        assertEquals(160 * MIB / 4096, free("esx2"), "nothing left behind on esx2");
    }

    @Test
    void badRequestsAreOneLineErrorsAndChangeNothing() throws Exception {
        start(Map.of());
        runningVm("vm1", 16 * MIB, WorkloadSpec.idle());
        MigrationParams p = MigrationParams.defaults();
        assertEquals("No VM named 'nope'; vm:list shows the VMs", assertThrows(MigrationException.class, () -> migrations.start("nope", "esx2", p)).getMessage());
        assertEquals("No host named 'esx9'; host:list shows the hosts", assertThrows(MigrationException.class, () -> migrations.start("vm1", "esx9", p)).getMessage());
        assertEquals("VM vm1 is already on host esx1", assertThrows(MigrationException.class, () -> migrations.start("vm1", "esx1", p)).getMessage());
        MigrationStatus slow = migrations.start("vm1", "esx2", p.withMaxBandwidth(2 * MIB));
        MigrationException second = assertThrows(MigrationException.class, () -> migrations.start("vm1", "esx2", p));
        assertEquals("VM vm1 is already migrating (migration " + slow.id() + " to esx2)", second.getMessage());
        migrations.cancel(slow.id());
        MigrationException cancelled = assertThrows(MigrationException.class, () -> migrations.await(slow.id()));
        assertEquals("migration " + slow.id() + " of VM vm1 failed: cancelled; the VM runs on esx1", cancelled.getMessage());
        assertEquals(MigrationPhase.CANCELLED, migrations.status(slow.id()).orElseThrow().phase());
        VmInfo vm = vms.vm("vm1").orElseThrow();
        assertEquals("esx1", vm.host());
        assertEquals(VmState.RUNNING, vm.state());
        Eventually.await("the destination gave its memory back", () -> free("esx2") == 160 * MIB / 4096);
        assertTrue(migrations.await(migrations.start("vm1", "esx2", p).id()).digestVerified(), "a later migration succeeds");
    }

    @Test
    void aFailedReprogramRollsBackAndTheVmRunsWhereItWas() throws Exception {
        start(Map.of());
        migrations.addProgrammer(recorder(true));
        runningVm("vm1", 16 * MIB, writing(8 * MIB, 4 * MIB, 64));
        MigrationStatus s = migrations.start("vm1", "esx2", MigrationParams.defaults());
        MigrationException e = assertThrows(MigrationException.class, () -> migrations.await(s.id()));
        assertTrue(e.getMessage().endsWith("controller refused the attachment; the VM runs on esx1"), e.getMessage());
        assertEquals(List.of("prepare vm1 esx1>esx2", "reprogram", "rollback"), calls);
        VmInfo vm = vms.vm("vm1").orElseThrow();
        assertEquals("esx1", vm.host());
        assertEquals(VmState.RUNNING, vm.state());
        long writes = vm.guestWrites();
        Eventually.await("the guest runs again at the source", () -> vms.vm("vm1").orElseThrow().guestWrites() > writes);
        Eventually.await("the destination gave its memory back", () -> free("esx2") == 160 * MIB / 4096);
    }

    @Test
    void aPeerOfAnotherProtocolVersionIsRefusedAndTheVmStays() throws Exception {
        InetSocketAddress peer = fakePeer((socket, id) -> Wire.writePreamble(socket, 1, Wire.ROLE_MAIN, 0, 0, id));
        start(Map.of("esx9", peer));
        runningVm("vm1", 16 * MIB, WorkloadSpec.idle());
        MigrationStatus s = migrations.start("vm1", "esx9", MigrationParams.defaults());
        MigrationException e = assertThrows(MigrationException.class, () -> migrations.await(s.id()));
        assertEquals("migration " + s.id() + " of VM vm1 failed: destination esx9 speaks migration protocol version 1, "
                + "this host speaks 2; the VM runs on esx1", e.getMessage());
        assertEquals(VmState.RUNNING, vms.vm("vm1").orElseThrow().state());
    }

    @Test
    void aPeerSendingACorruptFrameIsRefusedAndTheVmStays() throws Exception {
        InetSocketAddress peer = fakePeer((socket, id) -> {
            Wire.writePreamble(socket, Wire.VERSION, Wire.ROLE_MAIN, 0, 0, id);
            ByteBuffer frame = ByteBuffer.allocate(Wire.HEADER_BYTES + 1);
            frame.put((byte) Wire.HELLO_ACK).put((byte) 0).putShort((short) 0).putInt(1).putLong(0).putInt(0xdeadbeef).put((byte) 1).flip();
            Wire.writeFully(socket, frame);
        });
        start(Map.of("esx9", peer));
        runningVm("vm1", 16 * MIB, WorkloadSpec.idle());
        MigrationStatus s = migrations.start("vm1", "esx9", MigrationParams.defaults());
        MigrationException e = assertThrows(MigrationException.class, () -> migrations.await(s.id()));
        assertTrue(e.getMessage().contains("corrupt frame from destination esx9: CRC mismatch in frame 0 (HELLO_ACK, 1 bytes)"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(VmState.RUNNING, vms.vm("vm1").orElseThrow().state());
        assertEquals("esx1", vms.vm("vm1").orElseThrow().host());
    }

    private interface PeerScript {
        void run(SocketChannel socket, UUID id) throws IOException;
    }

    private InetSocketAddress fakePeer(PeerScript script) throws IOException {
        fakePeer = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(() -> {
            try (SocketChannel s = fakePeer.accept()) {
                ByteBuffer preamble = ByteBuffer.allocate(Wire.PREAMBLE_BYTES);
                Wire.readFully(s, preamble);
                script.run(s, new UUID(preamble.getLong(20), preamble.getLong(28)));
                ByteBuffer sink = ByteBuffer.allocate(65536);
                while (s.read(sink.clear()) >= 0) {
                    // drain until the source hangs up
                }
            } catch (IOException e) {
                // the source hung up
            }
        }, "test-fake-peer");
        t.setDaemon(true);
        t.start();
        InetSocketAddress a = (InetSocketAddress) fakePeer.getLocalAddress();
        assertNotNull(a);
        return a;
    }
}
