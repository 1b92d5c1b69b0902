package io.vstack.storage.nfs.internal.command;

import io.vstack.api.Durations;
import io.vstack.storage.nfs.internal.NfsBackend;
import java.time.Duration;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code storage:simulate-nfs}: holds the NFS server down, brings it back, or sets its latency. */
@Service
@Command(scope = "storage", name = "simulate-nfs",
        description = "SIMULATION CONTROL: holds the NFS server down (not responding), brings it back, or sets its added latency")
public class SimulateNfsCommand implements Action {

    @Reference
    NfsBackend nfs;

    @Option(name = "--down", description = "The server stops responding: every call fails")
    boolean down;

    @Option(name = "--up", description = "Bring the server back")
    boolean up;

    @Option(name = "--latency", description = "Latency added to each NFS call, e.g. 1ms (0 turns it off)")
    String latency;

    @Option(name = "--reset", description = "Turn every knob off")
    boolean reset;

    @Override
    public Object execute() {
        if (down && up) {
            throw new IllegalArgumentException("--down and --up contradict each other");
        }
        Duration newLatency = reset ? Duration.ZERO : latency == null ? null : Durations.parse(latency);
        String state = nfs.simulateServer(newLatency, down || up || reset ? Boolean.valueOf(down) : null);
        System.out.println("simulation: " + nfs.name() + " server " + state);
        return null;
    }
}
