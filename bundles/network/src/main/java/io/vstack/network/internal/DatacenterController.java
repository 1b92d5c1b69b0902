package io.vstack.network.internal;

import io.vstack.support.ConfigGuard;
import io.vstack.support.ConfigKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated cloud network controller, EC2-shaped: ENIs with private IPs, attached to one
 * host (for a VM, or as a host's own interface). Every change bumps the ENI's generation and is
 * pushed to the per-host {@link VirtualSwitch}es at once, with the time the push took recorded.
 * Which programmer a network uses is configuration ({@code networks = net0=eni-move,net1=whitelist}).
 * <p>Thread-safe: every operation is serialized on the controller.
 */
@Component(service = DatacenterController.class, immediate = true, configurationPid = DatacenterController.PID)
@Designate(ocd = DatacenterController.Config.class)
public final class DatacenterController {

    static final String PID = "io.vstack.network";
    static final String ENI_MOVE = "eni-move";
    static final String WHITELIST = "whitelist";
    private static final Logger LOG = LoggerFactory.getLogger(DatacenterController.class);

    /** Configuration of {@value #PID}. */
    @ObjectClassDefinition(name = "vstack network", description = "Which network programmer applies to which network")
    public @interface Config {
        /** {@code network=programmer,...}. */
        @AttributeDefinition(description = "Programmer per network, as network=eni-move|whitelist,...")
        String networks() default "";

        /** The programmer of networks not listed. */
        @AttributeDefinition(description = "Programmer of networks not listed: eni-move or whitelist")
        String defaultProgrammer() default ENI_MOVE;
    }

    private static final class State {
        final String id;
        final String network;
        final Set<String> ips = new LinkedHashSet<>();
        String host;
        String instance;
        String attachmentId;
        long generation;

        State(String id, String network) {
            this.id = id;
            this.network = network;
        }

        Eni snapshot() {
            return new Eni(id, network, List.copyOf(ips), Optional.ofNullable(host), Optional.ofNullable(instance),
                    Optional.ofNullable(attachmentId), generation);
        }
    }

    /**
     * The controller's settings, parsed from its configuration.
     *
     * @param networks          the programmer of each listed network
     * @param defaultProgrammer the programmer of networks not listed
     */
    record Settings(Map<String, String> networks, String defaultProgrammer) {

        /** Parses a configuration; the message names the PID and the wrong key. */
        static Settings parse(Config config) {
            return new Settings(ConfigKeys.parse(PID, "networks", () -> networks(config.networks())),
                    ConfigKeys.parse(PID, "defaultProgrammer", () -> programmer(config.defaultProgrammer())));
        }

        private static Map<String, String> networks(String text) {
            Map<String, String> map = new LinkedHashMap<>();
            if (text != null && !text.isBlank()) {
                for (String item : text.split(",")) {
                    int eq = item.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("'" + item.trim() + "' must be <network>=eni-move or <network>=whitelist");
                    }
                    map.put(item.substring(0, eq).trim(), programmer(item.substring(eq + 1)));
                }
            }
            return Map.copyOf(map);
        }

        private static String programmer(String text) {
            String name = text.trim().toLowerCase(Locale.ROOT);
            if (!name.equals(ENI_MOVE) && !name.equals(WHITELIST)) {
                throw new IllegalArgumentException("'" + text.trim() + "' is not a programmer: eni-move or whitelist");
            }
            return name;
        }
    }

    private final Map<String, State> enis = new TreeMap<>();
    private final Map<String, VirtualSwitch> switches = new TreeMap<>();
    private final AtomicLong attachments = new AtomicLong();
    private final ConfigGuard<Config, Settings> settings;

    /** Activates with its configuration (its defaults if that is refused). */
    @Activate
    public DatacenterController(Config config) {
        this(ConfigGuard.start(config, ConfigGuard.defaults(Config.class), Settings::parse));
    }

    private DatacenterController(ConfigGuard<Config, Settings> settings) {
        this.settings = settings;
        LOG.info("Network controller: programmers per network {}, default {}", networks(), defaultProgrammer());
    }

    /**
     * A controller outside OSGi (tests, benchmarks): {@code networks} as in the configuration
     * ({@code network=programmer,...}), the default programmer eni-move.
     *
     * @throws IllegalArgumentException naming the key if {@code networks} is wrong
     */
    public static DatacenterController of(String networks) {
        return new DatacenterController(ConfigGuard.of(
                new Settings(ConfigKeys.parse(PID, "networks", () -> Settings.networks(networks)), ENI_MOVE), Settings::parse));
    }

    /** Applies a changed configuration in place (ENIs stay); a bad value is refused with one log line and changes nothing. */
    @Modified
    void configure(Config config) {
        settings.update(config, (previous, next) -> LOG.info("Network controller: programmers per network {}, default {}",
                next.networks(), next.defaultProgrammer()));
    }

    /** The programmer configured for {@code network}. */
    String programmerFor(String network) {
        Settings current = settings.current();
        return current.networks().getOrDefault(network, current.defaultProgrammer());
    }

    /** Configured networks and their programmers. */
    Map<String, String> networks() {
        return settings.current().networks();
    }

    String defaultProgrammer() {
        return settings.current().defaultProgrammer();
    }

    /** The virtual switch of {@code host}, made on first use. */
    synchronized VirtualSwitch vswitch(String host) {
        return switches.computeIfAbsent(host, h -> {
            VirtualSwitch s = new VirtualSwitch(h, this);
            enis.values().forEach(e -> s.program(e.snapshot()));
            return s;
        });
    }

    synchronized List<VirtualSwitch> switches() {
        return List.copyOf(switches.values());
    }

    /** Creates an ENI (idempotent for the same id and network). */
    synchronized Eni createEni(String id, String network) {
        State s = enis.get(id);
        if (s != null) {
            if (!s.network.equals(network)) {
                throw new IllegalArgumentException("ENI " + id + " exists on network " + s.network);
            }
            return s.snapshot();
        }
        s = new State(id, network);
        enis.put(id, s);
        return changed(s);
    }

    /** A host's own ENI on {@code network}, created and attached to the host on first use. */
    synchronized Eni hostEni(String host, String network) {
        String id = "eni-" + host + "-" + network;
        State s = enis.get(id);
        if (s == null) {
            s = new State(id, network);
            enis.put(id, s);
            s.host = host;
            s.instance = host;
            s.attachmentId = "attach-" + attachments.incrementAndGet();
            changed(s);
        }
        return s.snapshot();
    }

    /**
     * Attaches an ENI to an instance on a host (AttachNetworkInterface).
     *
     * @throws IllegalStateException if it is attached already ("in use")
     */
    synchronized Eni attach(String eniId, String host, String instance) {
        State s = state(eniId);
        if (s.host != null) {
            throw new IllegalStateException("ENI " + eniId + " is in use: attached to " + s.instance + " on " + s.host);
        }
        s.host = host;
        s.instance = instance;
        s.attachmentId = "attach-" + attachments.incrementAndGet();
        return changed(s);
    }

    /** Detaches an ENI (DetachNetworkInterface); nothing if it is not attached. */
    synchronized Eni detach(String eniId) {
        State s = state(eniId);
        if (s.host == null) {
            return s.snapshot();
        }
        s.host = null;
        s.instance = null;
        s.attachmentId = null;
        return changed(s);
    }

    /**
     * Assigns private IPs to an ENI (AssignPrivateIpAddresses). An IP on another ENI moves here
     * atomically if {@code allowReassignment}, else the call fails and nothing changes.
     *
     * @throws IllegalStateException if an IP is assigned elsewhere and reassignment is not allowed
     */
    synchronized Eni assignPrivateIps(String eniId, List<String> ips, boolean allowReassignment) {
        State target = state(eniId);
        List<State> owners = new ArrayList<>();
        for (String ip : ips) {
            for (State other : enis.values()) {
                if (other != target && other.ips.contains(ip)) {
                    if (!allowReassignment) {
                        throw new IllegalStateException("IP " + ip + " is assigned to " + other.id + " (reassignment not allowed)");
                    }
                    owners.add(other);
                }
            }
        }
        for (State other : owners) {
            other.ips.removeAll(ips);
            changed(other);
        }
        if (target.ips.addAll(ips)) {
            return changed(target);
        }
        return target.snapshot();
    }

    /** Removes private IPs from an ENI. */
    synchronized Eni unassignPrivateIps(String eniId, List<String> ips) {
        State s = state(eniId);
        if (s.ips.removeAll(ips)) {
            return changed(s);
        }
        return s.snapshot();
    }

    /** Deletes a detached ENI; nothing if there is none. */
    synchronized void deleteEni(String eniId) {
        State s = enis.get(eniId);
        if (s == null) {
            return;
        }
        if (s.host != null) {
            throw new IllegalStateException("ENI " + eniId + " is attached to " + s.host + "; detach it first");
        }
        enis.remove(eniId);
        s.generation++;
        s.ips.clear();
        Eni gone = s.snapshot();
        for (VirtualSwitch v : switches.values()) {
            v.program(gone);
        }
    }

    synchronized Optional<Eni> eni(String id) {
        State s = enis.get(id);
        return s == null ? Optional.empty() : Optional.of(s.snapshot());
    }

    /** The ENI holding {@code ip}, if any. */
    synchronized Optional<Eni> eniWithIp(String ip) {
        return enis.values().stream().filter(e -> e.ips.contains(ip)).findFirst().map(State::snapshot);
    }

    synchronized List<Eni> enis() {
        return enis.values().stream().map(State::snapshot).toList();
    }

    /** The controller's current generation of an ENI; -1 if it does not exist. */
    synchronized long generation(String eniId) {
        State s = enis.get(eniId);
        return s == null ? -1 : s.generation;
    }

    private State state(String eniId) {
        State s = enis.get(eniId);
        if (s == null) {
            throw new IllegalArgumentException("No ENI '" + eniId + "'");
        }
        return s;
    }

    private Eni changed(State s) {
        s.generation++;
        Eni snapshot = s.snapshot();
        for (VirtualSwitch v : switches.values()) {
            v.program(snapshot);
        }
        return snapshot;
    }
}
