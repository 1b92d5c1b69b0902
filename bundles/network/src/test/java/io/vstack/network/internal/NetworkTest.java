package io.vstack.network.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.net.MobilityEvent;
import io.vstack.api.net.NetworkProgrammingException;
import io.vstack.api.net.VmInterface;
import io.vstack.api.testing.FakeHosts;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.VmState;
import io.vstack.api.vm.WorkloadSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NetworkTest {

    private static final VmInterface NIC_A = new VmInterface("eni-a", "02:00:00:00:00:0a", "net0", List.of("10.0.0.10"));
    private static final VmInterface NIC_B = new VmInterface("eni-b", "02:00:00:00:00:0b", "net0", List.of("10.0.0.11"));
    private static final VmInterface WL = new VmInterface("eni-w", "02:00:00:00:00:0c", "net1", List.of("10.1.0.5"));

    private static VmInfo vm(String name, String host, VmState state, VmInterface... nics) {
        return new VmInfo(new VmSpec(name, host, 1 << 20, 1, List.of(), List.of(nics), WorkloadSpec.idle()), state, 0, 0, -1, -1);
    }

    @Test
    void eniSemanticsAreEc2s() {
        DatacenterController c = DatacenterController.of("");
        Eni e = c.createEni("eni-1", "net0");
        long g = e.generation();
        c.attach("eni-1", "esx1", "vm1");
        IllegalStateException inUse = assertThrows(IllegalStateException.class, () -> c.attach("eni-1", "esx2", "vm1"));
        assertEquals("ENI eni-1 is in use: attached to vm1 on esx1", inUse.getMessage());
        c.createEni("eni-2", "net0");
        c.assignPrivateIps("eni-1", List.of("10.0.0.1"), false);
        assertThrows(IllegalStateException.class, () -> c.assignPrivateIps("eni-2", List.of("10.0.0.1"), false));
        assertEquals(List.of("10.0.0.1"), c.eni("eni-1").orElseThrow().privateIps(), "a refused assignment changes nothing");
        c.assignPrivateIps("eni-2", List.of("10.0.0.1"), true);
        assertEquals(List.of(), c.eni("eni-1").orElseThrow().privateIps());
        assertEquals(List.of("10.0.0.1"), c.eni("eni-2").orElseThrow().privateIps());
        assertTrue(c.eni("eni-1").orElseThrow().generation() > g + 2, "every change bumps the generation");
        assertThrows(IllegalArgumentException.class, () -> DatacenterController.of("net0=teleport"));
    }

    @Test
    void theSwitchForwardsOnlyFromAnAttachedAllowedAddress() {
        DatacenterController c = DatacenterController.of("");
        VmNetworkListener listener = new VmNetworkListener(c);
        listener.vmChanged(vm("a", "esx1", VmState.RUNNING, NIC_A));
        listener.vmChanged(vm("b", "esx2", VmState.RUNNING, NIC_B));
        assertTrue(c.vswitch("esx1").send("10.0.0.10", "10.0.0.11"));
        assertFalse(c.vswitch("esx2").send("10.0.0.10", "10.0.0.11"), "a's ENI is not attached on esx2");
        assertFalse(c.vswitch("esx1").send("10.0.0.99", "10.0.0.11"), "an address not allowed");
        listener.vmChanged(vm("b", "esx2", VmState.STOPPED, NIC_B));
        assertFalse(c.vswitch("esx1").send("10.0.0.10", "10.0.0.11"), "b's ENI is detached");
        assertEquals(1, c.vswitch("esx1").forwarded());
    }

    @Test
    void eniMoveFollowsTheVmAndRollsBack() throws Exception {
        DatacenterController c = DatacenterController.of("net1=whitelist");
        new VmNetworkListener(c).vmChanged(vm("a", "esx1", VmState.RUNNING, NIC_A, WL));
        new VmNetworkListener(c).vmChanged(vm("b", "esx1", VmState.RUNNING, NIC_B));
        EniMoveProgrammer p = new EniMoveProgrammer(c);
        MobilityEvent ok = new MobilityEvent("m1", "a", "esx1", "esx2", List.of(NIC_A, WL));
        p.prepare(ok);
        assertEquals(Optional.of("esx1"), c.eni("eni-a").orElseThrow().attachedHost(), "prepare changes nothing");
        long g = c.eni("eni-a").orElseThrow().generation();
        p.reprogram(ok);
        p.complete(ok);
        Eni moved = c.eni("eni-a").orElseThrow();
        assertEquals(Optional.of("esx2"), moved.attachedHost());
        assertTrue(moved.generation() > g);
        assertTrue(c.eni("eni-w").isEmpty(), "a whitelist network's interface is not eni-move's business");
        assertTrue(c.vswitch("esx2").send("10.0.0.10", "10.0.0.11"));
        assertFalse(c.vswitch("esx1").send("10.0.0.10", "10.0.0.11"));
        MobilityEvent failed = new MobilityEvent("m2", "a", "esx2", "esx1", List.of(NIC_A));
        p.prepare(failed);
        p.reprogram(failed);
        p.rollback(failed);
        assertEquals(Optional.of("esx2"), c.eni("eni-a").orElseThrow().attachedHost(), "back where it was");
        assertEquals(1, c.enis().stream().filter(e -> e.attachedHost().isPresent() && e.id().equals("eni-a")).count());
        p.rollback(failed); // idempotent
        MobilityEvent wrong = new MobilityEvent("m3", "a", "esx1", "esx3", List.of(NIC_A));
        assertThrows(NetworkProgrammingException.class, () -> p.prepare(wrong), "the ENI is not at the claimed source");
    }

    @Test
    void whitelistMovesTheAddressToTheDestinationHostsEniAndRollsBack() throws Exception {
        DatacenterController c = DatacenterController.of("net1=whitelist");
        new VmNetworkListener(c).vmChanged(vm("w", "esx1", VmState.RUNNING, WL));
        new VmNetworkListener(c).vmChanged(vm("peer", "esx3", VmState.RUNNING,
                new VmInterface("eni-p", "02:00:00:00:00:0d", "net1", List.of("10.1.0.9"))));
        WhitelistProgrammer p = new WhitelistProgrammer(c);
        MobilityEvent e = new MobilityEvent("m1", "w", "esx1", "esx2", List.of(WL, NIC_A));
        p.prepare(e);
        p.reprogram(e);
        assertEquals("eni-esx2-net1", c.eniWithIp("10.1.0.5").orElseThrow().id());
        assertEquals(List.of(), c.eni("eni-esx1-net1").orElseThrow().privateIps(), "never on two ENIs");
        assertTrue(c.vswitch("esx2").send("10.1.0.5", "10.1.0.9"));
        assertFalse(c.vswitch("esx1").send("10.1.0.5", "10.1.0.9"));
        p.rollback(e);
        assertEquals("eni-esx1-net1", c.eniWithIp("10.1.0.5").orElseThrow().id());
        assertEquals(List.of(), c.eni("eni-esx2-net1").orElseThrow().privateIps(), "nothing stale stays allowed");
        assertTrue(c.eni("eni-a").isEmpty(), "an eni-move interface is not whitelist's business");
    }

    @Test
    void sendRefusesAnUnknownHostAndAddressesThatAreNotIpv4() {
        NetworkAdmin admin = new NetworkAdmin(DatacenterController.of(""), FakeHosts.withMemory(1 << 20, "esx1"));
        assertEquals("no host named 'esx9'; host:list shows the hosts",
                assertThrows(IllegalArgumentException.class, () -> admin.send("esx9", "10.0.0.1", "10.0.0.2")).getMessage());
        assertEquals("source address '999.1.1.1' is not an IPv4 address (four numbers 0-255 separated by dots, e.g. 10.0.0.5)",
                assertThrows(IllegalArgumentException.class, () -> admin.send("esx1", "999.1.1.1", "10.0.0.2")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> admin.send("esx1", "10.0.0.1", "abc"));
        assertFalse(admin.send("esx1", "10.0.0.1", "10.0.0.2"), "no ENI has the address: dropped");
        assertThrows(IllegalArgumentException.class, () -> new VmInterface("eni-x", "02:00:00:00:00:01", "net0", List.of("net0:abc")));
        assertThrows(IllegalArgumentException.class, () -> new VmInterface("eni-x", "02:00:00:00:00:01", "net0", List.of("1.2.3")));
        assertThrows(IllegalArgumentException.class, () -> new VmInterface("eni-x", "02:00:00:00:00:01", "net0", List.of("01.2.3.4")));
    }
}
