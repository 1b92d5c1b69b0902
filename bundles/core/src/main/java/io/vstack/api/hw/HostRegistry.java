package io.vstack.api.hw;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The hosts of this datacenter, as configured right now.
 * <p>Thread-safe and non-blocking. Hosts appear and disappear as their configurations are added
 * and removed, so a host found here may be gone a moment later.
 */
@ProviderType
public interface HostRegistry {

    /** All hosts, sorted by name. */
    List<Host> hosts();

    /** The host named {@code name}, if it exists. */
    Optional<Host> host(String name);
}
