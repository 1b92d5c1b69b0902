package io.vstack.hw.sim.internal.command;

import io.vstack.api.hw.BlockDevice;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.hw.Nic;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the names of simulated devices that have knobs (NICs and block devices) on any host. */
@Service
public class DeviceCompleter implements Completer {

    @Reference
    HostRegistry hosts;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        TreeSet<String> names = new TreeSet<>();
        hosts.hosts().forEach(host -> Stream.concat(host.nics().stream().map(Nic::name),
                host.blockDevices().stream().map(BlockDevice::name)).forEach(names::add));
        return new StringsCompleter(names).complete(session, commandLine, candidates);
    }
}
