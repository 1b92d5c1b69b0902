package io.vstack.network.internal;

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

    private final Map<String, State> enis = new TreeMap<>();
    private final Map<String, VirtualSwitch> switches = new TreeMap<>();
    private final AtomicLong attachments = new AtomicLong();
    private volatile Map<String, String> programmers;
    private volatile String defaultProgrammer;

    /** Activates with its configuration. */
    @Activate
    public DatacenterController(Config config) {
        configure(config);
    }

    /**
     * A controller outside OSGi (tests, benchmarks): {@code networks} as in the configuration
     * ({@code network=programmer,...}), the default programmer eni-move.
     */
    public static DatacenterController of(String networks) {
        return new DatacenterController(new Config() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return Config.class;
            }

            @Override
            public String networks() {
                return networks;
            }

            @Override
            public String defaultProgrammer() {
                return ENI_MOVE;
            }
        });
    }

    /** Applies a changed configuration in place (ENIs stay). */
    @Modified
    void configure(Config config) {
        Map<String, String> map = new LinkedHashMap<>();
        String text = config.networks();
        if (text != null && !text.isBlank()) {
            for (String item : text.split(",")) {
                int eq = item.indexOf('=');
                String value = eq < 0 ? "" : item.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
                if (eq <= 0 || !(value.equals(ENI_MOVE) || value.equals(WHITELIST))) {
                    throw new IllegalArgumentException("networks: '" + item.trim() + "' must be <network>=eni-move or <network>=whitelist");
                }
                map.put(item.substring(0, eq).trim(), value);
            }
        }
        String def = config.defaultProgrammer().trim().toLowerCase(Locale.ROOT);
        if (!def.equals(ENI_MOVE) && !def.equals(WHITELIST)) {
            throw new IllegalArgumentException("defaultProgrammer '" + config.defaultProgrammer() + "' must be eni-move or whitelist");
        }
        this.programmers = Map.copyOf(map);
        this.defaultProgrammer = def;
        LOG.info("Network controller: programmers per network {}, default {}", map, def);
    }

    /** The programmer configured for {@code network}. */
    String programmerFor(String network) {
        return programmers.getOrDefault(network, defaultProgrammer);
    }

    /** Configured networks and their programmers. */
    Map<String, String> networks() {
        return programmers;
    }

    String defaultProgrammer() {
        return defaultProgrammer;
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
