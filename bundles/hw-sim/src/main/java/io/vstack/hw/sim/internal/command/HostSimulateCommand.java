package io.vstack.hw.sim.internal.command;

import io.vstack.api.Durations;
import io.vstack.api.hw.BlockDevice;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.hw.Nic;
import io.vstack.api.hw.SimulationKnobs;
import java.time.Duration;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code host:simulate}: sets a simulated device's latency and fault knobs. */
@Service
@Command(scope = "host", name = "simulate",
        description = "SIMULATION CONTROL: sets a simulated device's added latency, failure rate, or holds it down")
public class HostSimulateCommand implements Action {

    @Reference
    HostRegistry hosts;

    @Argument(index = 0, name = "host", description = "The host", required = true)
    @Completion(HostCompleter.class)
    String hostName;

    @Argument(index = 1, name = "device", description = "A NIC (vmnic0...) or block device (local0)", required = true)
    @Completion(DeviceCompleter.class)
    String deviceName;

    @Option(name = "--latency", description = "Latency added to each operation, e.g. 2ms (0 turns it off)")
    String latency;

    @Option(name = "--failure-rate", description = "Probability from 0 to 1 that an operation fails (0 turns it off)")
    String failureRate;

    @Option(name = "--down", description = "Hold the device down: every operation fails")
    boolean down;

    @Option(name = "--up", description = "Bring a held-down device back")
    boolean up;

    @Option(name = "--reset", description = "Turn every knob of the device off")
    boolean reset;

    @Override
    public Object execute() {
        if (down && up) {
            throw new IllegalArgumentException("--down and --up contradict each other");
        }
        Host host = Hosts.require(hosts, hostName);
        SimulationKnobs knobs = host.nic(deviceName).map(Nic::simulation)
                .or(() -> host.blockDevice(deviceName).map(BlockDevice::simulation))
                .orElseThrow(() -> new IllegalArgumentException("Host " + hostName + " has no device '" + deviceName
                        + "'; host:info " + hostName + " lists its NICs and block devices"));
        // Parse everything before changing anything, so a bad value changes nothing.
        Duration newLatency = reset ? Duration.ZERO : latency == null ? null : Durations.parse(latency);
        Double newRate = reset ? Double.valueOf(0) : failureRate == null ? null : parseRate(failureRate);
        if (newLatency != null) {
            knobs.setLatency(newLatency);
        }
        if (newRate != null) {
            knobs.setFailureRate(newRate);
        }
        if (down || up || reset) {
            knobs.setDown(down);
        }
        System.out.println("simulation: " + hostName + "/" + deviceName + " " + Knobs.describe(knobs));
        return null;
    }

    private static double parseRate(String text) {
        try {
            double rate = Double.parseDouble(text);
            if (rate >= 0 && rate <= 1) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // reported below with the text
        }
        throw new IllegalArgumentException("--failure-rate '" + text + "' must be a number from 0 to 1");
    }
}
