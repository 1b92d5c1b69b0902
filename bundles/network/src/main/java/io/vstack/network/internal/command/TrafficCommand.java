package io.vstack.network.internal.command;

import io.vstack.network.internal.TrafficResult;
import io.vstack.network.internal.VnicService;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code net:traffic}: real frames from one VM's vNIC to another's through the host's switch, measured. */
@Service
@Command(scope = "net", name = "traffic", description = "Sends frames from one VM's vNIC to another's on the same host and prints packets/s, doorbells and interrupts per packet, latency p50/p99")
public class TrafficCommand implements Action {

    @Reference
    VnicService vnics;

    @Argument(index = 0, name = "from", required = true, description = "The sending VM")
    @Completion(VnicVmCompleter.class)
    String from;

    @Argument(index = 1, name = "to", required = true, description = "The receiving VM")
    @Completion(VnicVmCompleter.class)
    String to;

    @Option(name = "--pps", description = "Packets per second to offer; 0 sends as fast as the TX ring takes them")
    int pps = 10_000;

    @Option(name = "--size", description = "Frame size in bytes, header included (30 to 1514)")
    int size = 64;

    @Option(name = "--seconds", description = "How long to send")
    double seconds = 1;

    @Override
    public Object execute() throws Exception {
        TrafficResult r = vnics.traffic(from, to, pps, size, seconds);
        System.out.println(String.format(Locale.ROOT, "%s -> %s: %d sent, %d received, %d lost, %d out of order", from, to,
                r.sent(), r.received(), r.lost(), r.outOfOrder()));
        System.out.println(String.format(Locale.ROOT, "packets/s %.0f", r.packetsPerSecond()));
        System.out.println(String.format(Locale.ROOT, "doorbells/packet %.4f  interrupts/packet %.4f", r.doorbellsPerPacket(),
                r.interruptsPerPacket()));
        System.out.println(String.format(Locale.ROOT, "latency p50 %.1f us  p99 %.1f us", r.p50Micros(), r.p99Micros()));
        return null;
    }
}
