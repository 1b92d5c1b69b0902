package io.vstack.hw.sim.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.testing.SystemOut;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Drives the commands as plain objects against a fake registry of one test host. */
class HostCommandsTest {

    private final Host host = TestHosts.host("esx1");
    private final HostRegistry registry = new HostRegistry() {
        @Override
        public List<Host> hosts() {
            return List.of(host);
        }

        @Override
        public Optional<Host> host(String name) {
            return name.equals(host.name()) ? Optional.of(host) : Optional.empty();
        }
    };

    @Test
    void listPrintsOneRowPerHost() throws Exception {
        HostListCommand list = new HostListCommand();
        list.hosts = registry;
        list.noFormat = true;
        String out = SystemOut.capture(list::execute);
        String[] fields = out.trim().split("\\s*\t\\s*");
        assertEquals("esx1", fields[0]);
        assertEquals("4", fields[1]);
        assertEquals("1.0G", fields[2]);
    }

    @Test
    void infoShowsEveryDevice() throws Exception {
        HostInfoCommand info = new HostInfoCommand();
        info.hosts = registry;
        info.hostName = "esx1";
        String out = SystemOut.capture(info::execute);
        assertTrue(out.contains("vmnic0") && out.contains("vmnic1"), out);
        assertTrue(out.contains("15ad:07b0"), out);
        assertTrue(out.contains("0000:00:10.0"), out);
        assertTrue(out.contains("local0"), out);
    }

    @Test
    void unknownHostIsAOneLineError() {
        HostInfoCommand info = new HostInfoCommand();
        info.hosts = registry;
        info.hostName = "nope";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, info::execute);
        assertEquals("No host named 'nope'; host:list shows the hosts", e.getMessage());
    }

    @Test
    void simulateSetsKnobsAndABadValueChangesNothing() throws Exception {
        HostSimulateCommand simulate = new HostSimulateCommand();
        simulate.hosts = registry;
        simulate.hostName = "esx1";
        simulate.deviceName = "local0";
        simulate.latency = "2ms";
        simulate.failureRate = "0.5";
        assertTrue(SystemOut.capture(simulate::execute).contains("latency=2ms failure-rate=0.5"));
        var knobs = host.blockDevice("local0").orElseThrow().simulation();
        assertEquals(Duration.ofMillis(2), knobs.latency());

        simulate.latency = "1ms";
        simulate.failureRate = "7";
        assertThrows(IllegalArgumentException.class, simulate::execute);
        assertEquals(Duration.ofMillis(2), knobs.latency(), "nothing changed");

        simulate.latency = null;
        simulate.failureRate = null;
        simulate.deviceName = "vmnic1";
        simulate.down = true;
        SystemOut.capture(simulate::execute);
        assertTrue(!host.nic("vmnic1").orElseThrow().linkUp());

        simulate.deviceName = "gpu0";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, simulate::execute);
        assertTrue(e.getMessage().contains("no device 'gpu0'"), e.getMessage());
    }
}
