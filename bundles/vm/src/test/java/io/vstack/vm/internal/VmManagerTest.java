package io.vstack.vm.internal;

import io.vstack.api.testing.FakeHosts;
import io.vstack.api.testing.InMemoryDisk;
import io.vstack.api.testing.InMemoryDiskManager;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.memory.Access;
import io.vstack.api.memory.AddressSpace;
import io.vstack.api.memory.AddressSpaces;
import io.vstack.api.net.VmInterface;
import io.vstack.memory.internal.space.SpaceRegistry;
import io.vstack.api.vm.IncomingVm;
import io.vstack.api.vm.OutgoingVm;
import io.vstack.api.vm.VmException;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.VmState;
import io.vstack.api.vm.WorkloadPattern;
import io.vstack.api.vm.WorkloadSpec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmManagerTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private final FakeHosts hosts = FakeHosts.withMemory(64 * MIB, "esx1", "esx2");
    private VmManager manager;

    private final InMemoryDiskManager disks = new InMemoryDiskManager();

    private VmManager manager() {
        manager = new VmManager(hosts, dir, GuestRam.Order.MARK_AFTER_WRITE);
        manager.bindDisks(disks);
        return manager;
    }

    @AfterEach
    void tearDown() {
        if (manager != null) {
            manager.deactivate();
        }
    }

    /** A VM with a disk of its own (created here) and an address of its own on net0. */
    private VmSpec spec(String name, String host, long memory) {
        disks.add(new InMemoryDisk("disk-" + name, MIB, 4096));
        return new VmSpec(name, host, memory, 2, List.of("disk-" + name), List.of(new VmInterface("eni-" + name,
                "02:00:00:00:00:01", "net0", List.of("10.0.0." + (1 + Math.floorMod(name.hashCode(), 250))))), WorkloadSpec.idle());
    }

    @Test
    void aVmsDisksMustExistAndItsAddressesMustBeFree() throws Exception {
        VmManager vms = manager();
        vms.create(spec("vm1", "esx1", 4 * MIB));
        VmSpec noDisk = new VmSpec("vm2", "esx1", 4 * MIB, 1, List.of("ghost"), List.of(), WorkloadSpec.idle());
        assertEquals("VM vm2: no disk named 'ghost'; disk:list shows the disks",
                assertThrows(VmException.class, () -> vms.create(noDisk)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new VmSpec("vm2", "esx1", 4 * MIB, 1, List.of("../../etc/passwd"), List.of(), WorkloadSpec.idle()));
        String ip = vms.vm("vm1").orElseThrow().spec().interfaces().get(0).addresses().get(0);
        VmSpec sameIp = new VmSpec("vm2", "esx1", 4 * MIB, 1, List.of(),
                List.of(new VmInterface("eni-vm2", "02:00:00:00:00:02", "net0", List.of(ip))), WorkloadSpec.idle());
        assertEquals("address " + ip + " on network net0 is taken by VM vm1",
                assertThrows(VmException.class, () -> vms.create(sameIp)).getMessage());
        VmSpec otherNetwork = new VmSpec("vm2", "esx1", 4 * MIB, 1, List.of(),
                List.of(new VmInterface("eni-vm2", "02:00:00:00:00:02", "net1", List.of(ip))), WorkloadSpec.idle());
        vms.create(otherNetwork);
        manager.unbindDisks(disks);
        assertEquals("VM vm3 names disk disk-vm3, but no disk manager is running to check it (feature vstack-disks)",
                assertThrows(VmException.class, () -> vms.create(spec("vm3", "esx1", 4 * MIB))).getMessage());
        assertEquals(List.of("vm1", "vm2"), vms.vms().stream().map(VmInfo::id).toList());
    }

    private long free(String host) {
        return hosts.host(host).orElseThrow().memory().freeFrames();
    }

    @Test
    void aVmGoesThroughItsLifecycleAndGivesItsMemoryBack() throws Exception {
        VmManager vms = manager();
        long before = free("esx1");
        VmInfo created = vms.create(spec("vm1", "esx1", 16 * MIB));
        assertEquals(VmState.STOPPED, created.state());
        assertEquals(before, free("esx1"), "a stopped VM holds no memory");
        assertEquals(VmState.RUNNING, vms.start("vm1").state());
        assertEquals(before - 4096, free("esx1"));
        vms.setWorkload("vm1", WorkloadSpec.idle().withRate(8 * MIB, 4 * MIB));
        Eventually.await("guest writes", () -> vms.vm("vm1").orElseThrow().guestWrites() > 100);
        VmInfo suspended = vms.suspend("vm1");
        assertEquals(VmState.SUSPENDED, suspended.state());
        assertTrue(suspended.lastStunNanos() >= 0);
        long writes = vms.vm("vm1").orElseThrow().guestWrites();
        assertEquals(writes, vms.vm("vm1").orElseThrow().guestWrites(), "a suspended guest writes nothing");
        assertEquals(VmState.RUNNING, vms.resume("vm1").state());
        Eventually.await("writes after resume", () -> vms.vm("vm1").orElseThrow().guestWrites() > writes);
        assertEquals(VmState.STOPPED, vms.stop("vm1").state());
        assertEquals(before, free("esx1"));
        vms.delete("vm1");
        assertTrue(vms.vm("vm1").isEmpty());
    }

    @Test
    void theHeartbeatMeasuresTheGapTheGuestSaw() throws Exception {
        VmManager vms = manager();
        vms.create(spec("vm1", "esx1", 4 * MIB));
        vms.start("vm1");
        Eventually.await("a heartbeat gap", () -> vms.vm("vm1").orElseThrow().lastTickGapNanos() > 0);
    }

    @Test
    void badInputIsAOneLineErrorAndChangesNothing() throws Exception {
        VmManager vms = manager();
        vms.create(spec("vm1", "esx1", 4 * MIB));
        assertEquals("A VM named 'vm1' exists already", assertThrows(VmException.class, () -> vms.create(spec("vm1", "esx2", 4 * MIB))).getMessage());
        assertEquals("No host named 'nope'; host:list shows the hosts",
                assertThrows(VmException.class, () -> vms.create(spec("vm2", "nope", 4 * MIB))).getMessage());
        String tooBig = assertThrows(VmException.class, () -> vms.create(spec("vm2", "esx1", 128 * MIB))).getMessage();
        assertEquals("VM vm2 needs 128.0M but host esx1 has 64.0M free", tooBig);
        assertEquals("No VM named 'x'; vm:list shows the VMs", assertThrows(VmException.class, () -> vms.start("x")).getMessage());
        assertThrows(VmException.class, () -> vms.resume("vm1"));
        assertThrows(VmException.class, () -> vms.stop("vm1"));
        assertEquals(List.of("vm1"), vms.vms().stream().map(VmInfo::id).toList());
        assertFalse(dir.resolve("vm2.vm").toFile().exists());
    }

    @Test
    void startingBeyondTheFreeFramesFailsAndTakesNothing() throws Exception {
        VmManager vms = manager();
        vms.create(spec("a", "esx1", 40 * MIB));
        vms.create(spec("b", "esx1", 40 * MIB));
        vms.start("a");
        long free = free("esx1");
        VmException e = assertThrows(VmException.class, () -> vms.start("b"));
        assertTrue(e.getMessage().startsWith("host esx1 has not enough free memory for VM b"), e.getMessage());
        assertEquals(free, free("esx1"));
        assertEquals(VmState.STOPPED, vms.vm("b").orElseThrow().state());
    }

    @Test
    void theInventorySurvivesARestartWithEveryVmStopped() throws Exception {
        VmManager first = manager();
        VmSpec spec = spec("vm1", "esx1", 8 * MIB).withWorkload(
                new WorkloadSpec(MIB, 2 * MIB, WorkloadPattern.ZIPF, 1.2, 64, 0.25, Duration.ofMillis(2)));
        first.create(spec);
        first.start("vm1");
        first.deactivate();
        VmManager second = manager();
        VmInfo back = second.vm("vm1").orElseThrow();
        assertEquals(spec, back.spec());
        assertEquals(VmState.STOPPED, back.state());
        assertEquals(VmState.RUNNING, second.start("vm1").state());
    }

    @Test
    void aVmMovesThroughOutgoingAndIncomingHandles() throws Exception {
        VmManager vms = manager();
        vms.create(spec("vm1", "esx1", 4 * MIB));
        vms.start("vm1");
        vms.setWorkload("vm1", WorkloadSpec.idle().withRate(4 * MIB, 2 * MIB));
        OutgoingVm out = vms.migrateOut("vm1", "esx2");
        assertEquals(VmState.MIGRATING, vms.vm("vm1").orElseThrow().state());
        assertTrue(assertThrows(VmException.class, () -> vms.migrateOut("vm1", "esx2")).getMessage().contains("already migrating"));
        assertThrows(VmException.class, () -> vms.stop("vm1"));
        IncomingVm in = vms.prepareIncoming(out.spec().onHost("esx2"));
        out.stun();
        long[] bitmap = new long[(int) ((out.memory().pages() + 63) / 64)];
        out.harvestDirty(bitmap);
        for (long pfn = 0; pfn < out.memory().pages(); pfn++) {
            in.memory().page(pfn).put(out.memory().page(pfn));
        }
        ByteBuffer page7 = ByteBuffer.allocate(4096).put(out.memory().page(7)).flip();
        in.activate(out.saveCpuState(), out.wasRunning());
        out.complete();
        VmInfo moved = vms.vm("vm1").orElseThrow();
        assertEquals("esx2", moved.host());
        assertEquals(VmState.RUNNING, moved.state());
        assertEquals("esx2", VmStore.load(dir.resolve("vm1.vm")).host());
        assertEquals(free("esx1"), 64 * MIB / 4096, "the source gave its memory back");
        assertTrue(in.awaitGuestTickGap(Duration.ofSeconds(5)) > 0);
        assertNotEquals(-1, page7.mismatch(ByteBuffer.allocate(4096)), "the boot image came along");
    }

    @Test
    void guestMemoryOnAnAddressSpaceIsDemandPagedAndMoves() throws Exception {
        SpaceRegistry spaces = new SpaceRegistry(hosts, List.of("paged*"), dir.resolve("swap"));
        VmManager vms = manager();
        vms.bindSpaces(spaces);
        long before = free("esx1");
        WorkloadSpec idle = WorkloadSpec.idle();
        WorkloadSpec quarter = new WorkloadSpec(0, 0, idle.pattern(), idle.zipfExponent(), idle.writeSize(), 0.75,
                idle.heartbeat());                                  // the guest touches a quarter of its memory
        vms.create(spec("paged1", "esx1", 16 * MIB).withWorkload(quarter));
        vms.start("paged1");
        AddressSpace space = spaces.find(AddressSpaces.guestSpaceName("paged1", "esx1")).orElseThrow();
        long bootPages = space.info().residentPages();
        assertTrue(bootPages <= 16 * MIB / 4096 / 4 + 1, "only the touched pages have frames: " + bootPages);
        assertTrue(free("esx1") > before - 16 * MIB / 4096, "the VM did not take its memory up front");
        vms.setWorkload("paged1", quarter.withRate(8 * MIB, 2 * MIB));
        Eventually.await("guest writes", () -> vms.vm("paged1").orElseThrow().guestWrites() > 100);
        assertTrue(space.faultStats().demandFaults() >= bootPages);
        space.residency().reclaim(0, 16 * MIB);                     // pages go to swap and fault back
        Eventually.await("faults back", () -> space.faultStats().swapInFaults() > 0);

        OutgoingVm out = vms.migrateOut("paged1", "esx2");
        IncomingVm in = vms.prepareIncoming(out.spec().onHost("esx2"));
        out.stun();
        for (long pfn = 0; pfn < out.memory().pages(); pfn++) {
            in.memory().page(pfn).put(out.memory().page(pfn));
        }
        ByteBuffer page7 = ByteBuffer.allocate(4096).put(out.memory().page(7)).flip();
        in.activate(out.saveCpuState(), out.wasRunning());
        out.complete();
        assertTrue(spaces.find(AddressSpaces.guestSpaceName("paged1", "esx1")).isEmpty(), "the source's space is gone");
        AddressSpace moved = spaces.find(AddressSpaces.guestSpaceName("paged1", "esx2")).orElseThrow();
        assertEquals(-1, page7.mismatch(moved.page(7 * 4096, Access.READ)), "page 7 came along");
        assertTrue(in.awaitGuestTickGap(Duration.ofSeconds(5)) > 0, "the guest runs on the destination");
        vms.stop("paged1");
        assertTrue(spaces.list().isEmpty(), "a stopped VM's space is destroyed");
        assertEquals(before, free("esx1"));
    }

    @Test
    void anAbortedMoveLeavesTheVmRunningWhereItWas() throws Exception {
        VmManager vms = manager();
        vms.create(spec("vm1", "esx1", 4 * MIB));
        vms.start("vm1");
        OutgoingVm out = vms.migrateOut("vm1", "esx2");
        IncomingVm in = vms.prepareIncoming(out.spec().onHost("esx2"));
        out.setThrottle(50);
        out.stun();
        in.abort();
        out.abort();
        VmInfo vm = vms.vm("vm1").orElseThrow();
        assertEquals(VmState.RUNNING, vm.state());
        assertEquals("esx1", vm.host());
        assertEquals(0, vm.throttlePercent());
        assertEquals(64 * MIB / 4096, free("esx2"));
        long writes = vm.guestWrites();
        vms.setWorkload("vm1", WorkloadSpec.idle().withRate(4 * MIB, 2 * MIB));
        Eventually.await("the guest runs again", () -> vms.vm("vm1").orElseThrow().guestWrites() > writes);
    }

    @Test
    void throttleSleepFollowsQemusFormula() {
        assertEquals(0, StunController.throttleSleepNanos(0));
        assertEquals(2_500_000, StunController.throttleSleepNanos(20));
        assertEquals(10_000_000, StunController.throttleSleepNanos(50));
        assertEquals(990_000_000, StunController.throttleSleepNanos(99), 1);
    }
}
