package io.vstack.api.hw;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A host's local block device: a local datastore whose bytes live in real files under
 * {@link #path()}. Storage backends place their files there and call
 * {@link SimulationKnobs#beforeOperation(String)} around each operation so that configured
 * latency and faults apply.
 * <p>Thread-safe; no method blocks.
 */
@ProviderType
public interface BlockDevice {

    /** The device's name on its host, such as {@code local0}. */
    String name();

    /** The directory holding the device's files; it exists. */
    Path path();

    /** The capacity the device advertises, in bytes. */
    long capacity();

    /** The device's simulation knobs. */
    SimulationKnobs simulation();
}
