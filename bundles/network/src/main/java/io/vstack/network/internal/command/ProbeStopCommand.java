package io.vstack.network.internal.command;

import io.vstack.network.internal.TrafficProbes;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code net:probe-stop}: stops a traffic probe and prints what it saw. */
@Service
@Command(scope = "net", name = "probe-stop", description = "Stops a traffic probe and prints its counts")
public class ProbeStopCommand implements Action {

    @Reference
    TrafficProbes probes;

    @Argument(index = 0, name = "probe", required = true, description = "The probe's id (net:probe-list)")

    @Completion(ProbeIdCompleter.class)
    String id;

    @Override
    public Object execute() {
        TrafficProbes.ProbeStatus s = probes.stop(id);
        System.out.println("probe " + s.id() + " stopped: sent " + s.sent() + ", delivered " + s.delivered() + ", dropped "
                + s.dropped() + ", longest gap " + s.longestGapNanos() / 1000 + " µs");
        return null;
    }
}
