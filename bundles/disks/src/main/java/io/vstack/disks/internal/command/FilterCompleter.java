package io.vstack.disks.internal.command;

import io.vstack.api.filter.FilterDescriptor;
import io.vstack.disks.internal.DiskAdmin;
import java.util.List;
import java.util.TreeSet;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes filter names: those that can be attached and those attached somewhere. */
@Service
public class FilterCompleter implements Completer {

    @Reference
    DiskAdmin disks;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        TreeSet<String> names = new TreeSet<>();
        disks.availableFilters().stream().map(FilterDescriptor::name).forEach(names::add);
        disks.filterReports().forEach(r -> names.add(r.filter()));
        return new StringsCompleter(names).complete(session, commandLine, candidates);
    }
}
