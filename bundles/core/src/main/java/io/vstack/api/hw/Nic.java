package io.vstack.api.hw;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A physical network interface of a host.
 * <p>Thread-safe; no method blocks.
 */
@ProviderType
public interface Nic {

    /** The NIC's name on its host, such as {@code vmnic0}. */
    String name();

    /** The MAC address, as six colon-separated lowercase hex bytes. */
    String mac();

    /** Link speed in bits per second. */
    long speedBitsPerSecond();

    /** Whether the link is up: false while the simulation holds the device down. */
    default boolean linkUp() {
        return !simulation().down();
    }

    /** The NIC's simulation knobs (latency per frame, faults). */
    SimulationKnobs simulation();
}
