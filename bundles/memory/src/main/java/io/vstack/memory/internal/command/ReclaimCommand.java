package io.vstack.memory.internal.command;

import io.vstack.api.memory.AddressSpace;
import io.vstack.api.memory.AddressSpaceException;
import io.vstack.api.memory.AddressSpaces;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code mem:reclaim <vm|space>}: reclaims every resident unpinned page of a space to its swap file. */
@Service
@Command(scope = "mem", name = "reclaim", description = "Reclaims the resident, unpinned pages of an address space (or a"
        + " VM's guest memory space) to its swap file; the next touch faults them back")
public class ReclaimCommand implements Action {

    @Reference
    AddressSpaces spaces;

    @Argument(index = 0, name = "vm|space", description = "A VM running on an address space, or an address space", required = true)
    @Completion(SpaceCompleter.class)
    String name;

    @Override
    public Object execute() throws AddressSpaceException {
        for (AddressSpace space : Spaces.require(spaces, name)) {
            long pages = space.residency().reclaim(0, AddressSpace.ALIAS_WINDOW);
            System.out.println("Reclaimed " + pages + " pages of " + space.name());
        }
        return null;
    }
}
