package io.vstack.hw.sim.internal;

import io.vstack.api.hw.Host;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Map;

/** Builds real simulated hosts for tests outside this package, with local storage in a temp directory. */
public final class TestHostFactory {

    private TestHostFactory() {
    }

    /** A host named {@code name} configured with {@code properties}. */
    public static Host host(String name, Map<String, Object> properties) {
        try {
            Path data = Files.createTempDirectory("vstack-test-host");
            return new SimulatedHost(HostConfig.parse(HostConfig.FACTORY_PID + "~" + name, new Hashtable<>(properties), data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
