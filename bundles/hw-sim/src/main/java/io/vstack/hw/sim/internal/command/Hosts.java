package io.vstack.hw.sim.internal.command;

import io.vstack.api.UserText;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;

/** Finds the host a command names, or fails with the one-line error every host command prints. */
final class Hosts {

    private Hosts() {
    }

    static Host require(HostRegistry hosts, String name) {
        return hosts.host(name).orElseThrow(() -> new IllegalArgumentException(
                "No host named " + UserText.quote(name) + "; host:list shows the hosts"));
    }
}
