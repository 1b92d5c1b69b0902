package io.vstack.api.memory;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The address spaces of this process: made on a host's physical memory, found by name, destroyed.
 * Also decides which VMs run their guest memory on an address space (configuration of the
 * memory bundle), which the VM manager asks when it builds a VM's memory.
 * <p>Thread-safe; nothing blocks beyond a short critical section.
 */
@ProviderType
public interface AddressSpaces {

    /**
     * Makes an empty address space named {@code name} on host {@code host}'s memory.
     *
     * @throws IllegalArgumentException if the name is taken or malformed, or there is no such host
     * @throws AddressSpaceException if the top-level table's frame cannot be had
     */
    AddressSpace create(String name, String host) throws AddressSpaceException;

    /** The space named {@code name}, if there is one. */
    Optional<AddressSpace> find(String name);

    /** Every space, by name. */
    List<AddressSpace> list();

    /** Destroys the space named {@code name}: every frame back to the host, its swap file deleted. False if none. */
    boolean destroy(String name);

    /** Whether VM {@code vmName}'s guest memory is to run on an address space (demand-paged). */
    boolean backsGuestMemory(String vmName);

    /**
     * The name of the address space that holds VM {@code vmName}'s guest memory on host
     * {@code host}: {@code vm:<name>@<host>} (during a migration the VM has one on each host).
     */
    static String guestSpaceName(String vmName, String host) {
        return "vm:" + vmName + "@" + host;
    }
}
