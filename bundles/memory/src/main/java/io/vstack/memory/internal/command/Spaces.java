package io.vstack.memory.internal.command;

import io.vstack.api.UserText;
import io.vstack.api.memory.AddressSpace;
import io.vstack.api.memory.AddressSpaces;
import java.util.List;
import java.util.Optional;

/** Finds the address spaces a command names: a space by its name, or a VM's guest memory spaces. */
final class Spaces {

    private Spaces() {
    }

    /**
     * The space named {@code name}, or else the guest memory spaces of the VM named {@code name}
     * (one per host it is on: two during a migration).
     *
     * @throws IllegalArgumentException with the one-line error the commands print
     */
    static List<AddressSpace> require(AddressSpaces spaces, String name) {
        Optional<AddressSpace> exact = spaces.find(name);
        if (exact.isPresent()) {
            return List.of(exact.get());
        }
        String prefix = AddressSpaces.guestSpaceName(name, "");
        List<AddressSpace> guest = spaces.list().stream().filter(s -> s.name().startsWith(prefix)).toList();
        if (guest.isEmpty()) {
            throw new IllegalArgumentException("No address space and no running VM on one named " + UserText.quote(name)
                    + " (a VM runs on an address space when io.vstack.memory.spaces guestVms names it)");
        }
        return guest;
    }

    /** The name a user types for {@code space}: the VM's name for a guest memory space ({@code vm:<vm>@<host>}). */
    static String shortName(AddressSpace space) {
        String n = space.name();
        int at = n.lastIndexOf('@');
        return n.startsWith("vm:") && at > 3 ? n.substring(3, at) : n;
    }
}
