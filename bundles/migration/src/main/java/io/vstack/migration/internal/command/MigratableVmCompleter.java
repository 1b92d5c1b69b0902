package io.vstack.migration.internal.command;

import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmService;
import io.vstack.api.vm.VmState;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the VMs that can be migrated: the running and suspended ones. */
@Service
public class MigratableVmCompleter implements Completer {

    @Reference
    VmService vms;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(vms.vms().stream().filter(v -> v.state() == VmState.RUNNING || v.state() == VmState.SUSPENDED).map(VmInfo::id).toList()).complete(session, commandLine, candidates);
    }
}
