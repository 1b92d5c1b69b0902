package io.vstack.network.internal.command;

import io.vstack.network.internal.VnicService;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the VMs that have a vNIC. */
@Service
public class VnicVmCompleter implements Completer {

    @Reference
    VnicService vnics;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(vnics.vms()).complete(session, commandLine, candidates);
    }
}
