package io.vstack.hw.sim.internal.command;

import io.vstack.api.hw.Host;
import io.vstack.hw.sim.internal.TestHostFactory;
import java.util.Map;

/** Real simulated hosts for command tests. */
final class TestHosts {

    private TestHosts() {
    }

    static Host host(String name) {
        return TestHostFactory.host(name, Map.of("memory", "1G"));
    }
}
