package io.vstack.hw.sim.internal;

import io.vstack.api.ByteSize;
import io.vstack.api.UserText;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosts made from configurations, by configuration PID, and what publishes them. A refused
 * configuration logs one error line and changes nothing: no host is created, and a host already
 * made from that PID keeps its previous configuration.
 * <p>Updates are serialized on this object; reads ({@link HostRegistry}) are lock-free.
 */
final class HostInventory implements HostRegistry {

    /** Makes a host visible (registers its services) and returns what withdraws it. */
    @FunctionalInterface
    interface Publisher {
        Runnable publish(SimulatedHost host);
    }

    private static final Logger LOG = LoggerFactory.getLogger(HostInventory.class);

    private final Path dataDir;
    private final Publisher publisher;
    private final Map<String, Published> byPid = new HashMap<>();
    private final ConcurrentSkipListMap<String, SimulatedHost> byName = new ConcurrentSkipListMap<>();

    private record Published(SimulatedHost host, Runnable withdraw) {
    }

    HostInventory(Path dataDir, Publisher publisher) {
        this.dataDir = dataDir;
        this.publisher = publisher;
    }

    /** Creates or reconfigures the host of configuration {@code pid}. */
    synchronized void update(String pid, Dictionary<String, ?> properties) {
        Published current = byPid.get(pid);
        HostConfig config;
        try {
            config = HostConfig.parse(pid, properties, dataDir);
        } catch (IllegalArgumentException e) {
            refuse(pid, current, e.getMessage());
            return;
        }
        SimulatedHost sameName = byName.get(config.name());
        if (sameName != null && (current == null || current.host() != sameName)) {
            refuse(pid, current, "a host named " + UserText.quote(config.name()) + " exists already");
            return;
        }
        if (current != null && current.host().config().equals(config)) {
            return;
        }
        SimulatedHost host;
        try {
            host = new SimulatedHost(config);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            refuse(pid, current, e.getMessage());
            return;
        }
        if (current != null) {
            withdraw(pid, current);
        }
        byName.put(config.name(), host);
        byPid.put(pid, new Published(host, publisher.publish(host)));
        LOG.info("Host {} {}: {} CPUs, {} memory, {} NICs, local storage {}", config.name(),
                current == null ? "created" : "reconfigured", config.cpus(),
                ByteSize.ofBytes(config.memory()), config.nics(), config.localStorage());
    }

    /** Removes the host of configuration {@code pid}, if there is one. */
    synchronized void delete(String pid) {
        Published current = byPid.get(pid);
        if (current != null) {
            withdraw(pid, current);
            LOG.info("Host {} removed", current.host().name());
        }
    }

    /** Removes every host. */
    synchronized void clear() {
        for (String pid : List.copyOf(byPid.keySet())) {
            withdraw(pid, byPid.get(pid));
        }
    }

    @Override
    public List<Host> hosts() {
        return List.copyOf(byName.values());
    }

    @Override
    public Optional<Host> host(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    private void withdraw(String pid, Published published) {
        byPid.remove(pid);
        byName.remove(published.host().name(), published.host());
        published.withdraw().run();
        published.host().close();
    }

    private static void refuse(String pid, Published current, String reason) {
        LOG.error("Host configuration {} refused: {}{}", pid, reason,
                current == null ? "; no host created" : "; host " + current.host().name() + " keeps its previous configuration");
    }
}
