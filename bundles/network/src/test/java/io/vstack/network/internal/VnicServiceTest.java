package io.vstack.network.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.VmState;
import io.vstack.api.vm.WorkloadSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class VnicServiceTest {

    private static VmInfo vm(String name, String host, VmState state) {
        return new VmInfo(new VmSpec(name, host, 1 << 20, 1, List.of(), List.of(), WorkloadSpec.idle()), state, 0, 0, -1, -1);
    }

    @Test
    void runningVmsGetVnicsThatFollowThemAndCarryTrafficWithinAHost() throws Exception {
        VnicService s = new VnicService();
        try {
            s.vmChanged(vm("web", "esx1", VmState.RUNNING));
            s.vmChanged(vm("db", "esx1", VmState.RUNNING));
            s.vmChanged(vm("off", "esx1", VmState.STOPPED));
            assertEquals(List.of("db", "web"), s.vms());
            assertEquals("rx 10 us/8 frames, tx 150 us/256 frames", s.coalesce("web", 10, 8, null, null, null, false));
            assertEquals("off", s.coalesce("web", null, null, null, null, null, true));
            assertEquals("rx 10 us/8 frames, tx 150 us/256 frames, adaptive", s.coalesce("web", null, null, null, null, true, false));
            TrafficResult r = s.traffic("web", "db", 20_000, 64, 0.2);
            assertEquals(r.sent(), r.received());
            assertTrue(r.sent() > 0);

            s.vmChanged(vm("db", "esx2", VmState.MIGRATING));
            assertEquals("esx2", s.list().stream().filter(v -> v.vm().equals("db")).findFirst().orElseThrow().host());
            assertEquals("VMs 'web' and 'db' are not on one host; vNIC traffic is switched within a host",
                    assertThrows(IllegalArgumentException.class, () -> s.traffic("web", "db", 10, 64, 0.1)).getMessage());
            s.vmDeleted(vm("db", "esx2", VmState.STOPPED));
            assertEquals(List.of("web"), s.vms());
        } finally {
            s.deactivate();
        }
    }

    @Test
    void badInputNamesWhatIsWrong() {
        VnicService s = new VnicService();
        s.vmChanged(vm("a", "h", VmState.RUNNING));
        s.vmChanged(vm("b", "h", VmState.RUNNING));
        try {
            assertEquals("no vNIC for VM 'ghost'; a VM gets one while it runs (net:vnic-list)",
                    assertThrows(IllegalArgumentException.class, () -> s.coalesce("ghost", 1, null, null, null, null, false)).getMessage());
            assertEquals("rx-frames must be between 1 and 4096, not 0",
                    assertThrows(IllegalArgumentException.class, () -> s.coalesce("a", null, 0, null, null, null, false)).getMessage());
            assertEquals("size must be between 30 and 1514 bytes, not 20",
                    assertThrows(IllegalArgumentException.class, () -> s.traffic("a", "b", 10, 20, 1)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.traffic("a", "a", 10, 64, 1));
            assertThrows(IllegalArgumentException.class, () -> s.traffic("a", "b", -1, 64, 1));
            assertThrows(IllegalArgumentException.class, () -> s.traffic("a", "b", 10, 64, 0));
        } finally {
            s.deactivate();
        }
    }
}
