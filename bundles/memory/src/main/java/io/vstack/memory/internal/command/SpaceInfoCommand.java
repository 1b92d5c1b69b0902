package io.vstack.memory.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.memory.AddressSpace;
import io.vstack.api.memory.AddressSpaceInfo;
import io.vstack.api.memory.AddressSpaces;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code mem:space-info <vm|space>}: an address space's mappings, residency and page tables. */
@Service
@Command(scope = "mem", name = "space-info", description = "Shows an address space (or a VM's guest memory space):"
        + " mappings, resident, swapped and pinned pages, page-table pages")
public class SpaceInfoCommand implements Action {

    @Reference
    AddressSpaces spaces;

    @Argument(index = 0, name = "vm|space", description = "A VM running on an address space, or an address space", required = true)
    @Completion(SpaceCompleter.class)
    String name;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Space");
        table.column("Host");
        table.column("Mappings").alignRight();
        table.column("Mapped").alignRight();
        table.column("Resident pages").alignRight();
        table.column("Swapped pages").alignRight();
        table.column("Pinned pages").alignRight();
        table.column("Table pages").alignRight();
        for (AddressSpace space : Spaces.require(spaces, name)) {
            AddressSpaceInfo i = space.info();
            table.addRow().addContent(i.name(), i.host(), i.mappings(), ByteSize.ofBytes(i.mappedBytes()).toHumanString(),
                    i.residentPages(), i.swappedPages(), i.pinnedPages(), i.tablePages());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
