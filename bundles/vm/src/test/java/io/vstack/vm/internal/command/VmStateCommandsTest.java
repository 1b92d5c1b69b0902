package io.vstack.vm.internal.command;

import io.vstack.api.testing.FakeHosts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.testing.SystemOut;
import io.vstack.api.vm.VmException;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.VmState;
import io.vstack.api.vm.WorkloadSpec;
import io.vstack.vm.internal.GuestRam;
import io.vstack.vm.internal.VmManager;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmStateCommandsTest {

    @TempDir
    Path dir;

    private VmManager vms;

    @BeforeEach
    void setUp() throws VmException {
        vms = new VmManager(FakeHosts.withMemory(32 << 20, "esx1"), dir, GuestRam.Order.MARK_AFTER_WRITE);
        vms.create(new VmSpec("vm1", "esx1", 8 << 20, 1, List.of(), List.of(), WorkloadSpec.idle()));
    }

    @AfterEach
    void tearDown() {
        vms.deactivate();
    }

    private <T extends VmStateCommand> String run(T command, String vm) throws Exception {
        command.vms = vms;
        command.vm = vm;
        return SystemOut.capture(command::execute).trim();
    }

    @Test
    void eachCommandMovesTheVmAndSaysWhereItIs() throws Exception {
        assertEquals("VM vm1 is running on esx1", run(new VmStartCommand(), "vm1"));
        String suspended = run(new VmSuspendCommand(), "vm1");
        assertTrue(suspended.startsWith("VM vm1 is suspended on esx1 (vCPUs parked in "), suspended);
        assertEquals(VmState.SUSPENDED, vms.vm("vm1").orElseThrow().state());
        assertEquals("VM vm1 is running on esx1", run(new VmResumeCommand(), "vm1"));
        assertEquals("VM vm1 is stopped on esx1", run(new VmStopCommand(), "vm1"));
    }

    @Test
    void anUnknownVmIsOneLineAndChangesNothing() {
        VmException e = assertThrows(VmException.class, () -> run(new VmStartCommand(), "nope"));
        assertEquals(false, e.getMessage().contains("\n"));
        assertEquals(VmState.STOPPED, vms.vm("vm1").orElseThrow().state());
    }
}
