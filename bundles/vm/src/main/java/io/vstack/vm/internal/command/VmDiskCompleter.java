package io.vstack.vm.internal.command;

import io.vstack.api.disk.DiskInfo;
import io.vstack.api.disk.DiskManager;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the virtual disks a VM can name (none without a disk manager). */
@Service
public class VmDiskCompleter implements Completer {

    @Reference(optional = true)
    DiskManager disks;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(disks == null ? List.of() : disks.disks().stream().map(DiskInfo::id).toList()).complete(session, commandLine, candidates);
    }
}
