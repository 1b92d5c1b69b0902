package io.vstack.migration.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.vstack.support.ConfigGuard;
import io.vstack.support.ConfigKeys;
import io.vstack.api.UserText;
import io.vstack.support.KarafData;
import io.vstack.support.StoreFiles;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.migration.MigrationException;
import io.vstack.api.migration.MigrationParams;
import io.vstack.api.migration.MigrationReport;
import io.vstack.api.migration.MigrationService;
import io.vstack.api.migration.MigrationStatus;
import io.vstack.api.net.NetworkProgrammer;
import io.vstack.api.vm.DiskOwnership;
import io.vstack.api.vm.OutgoingVm;
import io.vstack.api.vm.VmException;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmMobility;
import io.vstack.api.vm.VmService;
import io.vstack.api.vm.VmState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live migration: one TCP endpoint per host of this process (loopback, ephemeral port unless
 * configured), remote hosts at configured addresses, one thread per running migration, a bounded
 * history, and one JSON metrics file per run under {@code ${karaf.data}/vstack/migrations/}.
 * Network programmers come by whiteboard and every one is called on every migration; the disk
 * ownership hook is optional.
 */
@Component(service = MigrationService.class, immediate = true, configurationPid = MigrationManager.PID)
@Designate(ocd = MigrationManager.Config.class)
public final class MigrationManager implements MigrationService, MigrationRun.Context {

    static final String PID = "io.vstack.migration";
    private static final Logger LOG = LoggerFactory.getLogger(MigrationManager.class);
    /** Writes a run's metrics file: indented JSON. */
    private static final ObjectWriter METRICS_JSON = new ObjectMapper().writerWithDefaultPrettyPrinter();

    /** Configuration of {@value #PID}. */
    @ObjectClassDefinition(name = "vstack live migration", description = "Migration endpoints and history")
    public @interface Config {
        /** Address every local host's endpoint binds to. */
        @AttributeDefinition(description = "Address the hosts' migration endpoints bind to (loopback by default)")
        String bindAddress() default "127.0.0.1";

        /** Fixed ports, {@code host=port,...}; unlisted hosts get an ephemeral port. */
        @AttributeDefinition(description = "Fixed endpoint ports as host=port,... (others: ephemeral)")
        String ports() default "";

        /** Hosts of other processes, {@code host=address:port,...}. */
        @AttributeDefinition(description = "Hosts living in other distribution processes, as host=address:port,...")
        String remoteHosts() default "";

        /** Finished migrations kept in the history. */
        @AttributeDefinition(type = AttributeType.INTEGER, description = "Finished migrations kept in memory (1..10000)",
                min = "1", max = "10000")
        String historySize() default "100";
    }

    /** The checked configuration. */
    record Settings(InetAddress bindAddress, Map<String, Integer> ports, Map<String, InetSocketAddress> remoteHosts, int historySize) {

        /** Parses and checks the configuration; the message names the PID and the wrong key. */
        static Settings parse(Config c) {
            return new Settings(ConfigKeys.parse(PID, "bindAddress", () -> bindAddress(c.bindAddress())),
                    ConfigKeys.parse(PID, "ports", () -> ports(c.ports())),
                    ConfigKeys.parse(PID, "remoteHosts", () -> remoteHosts(c.remoteHosts())),
                    ConfigKeys.wholeNumber(PID, "historySize", c.historySize(), 1, 10_000));
        }

        private static InetAddress bindAddress(String text) {
            try {
                return InetAddress.getByName(text.trim());
            } catch (IOException e) {
                throw new IllegalArgumentException("'" + text + "' is not an address", e);
            }
        }

        private static Map<String, Integer> ports(String text) {
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : pairs(text).entrySet()) {
                try {
                    int port = Integer.parseInt(e.getValue());
                    if (port < 1 || port > 65535) {
                        throw new NumberFormatException();
                    }
                    ports.put(e.getKey(), port);
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException("'" + e.getValue() + "' of host " + e.getKey() + " is not a port (1..65535)", ex);
                }
            }
            return ports;
        }

        private static Map<String, InetSocketAddress> remoteHosts(String text) {
            Map<String, InetSocketAddress> remotes = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : pairs(text).entrySet()) {
                int colon = e.getValue().lastIndexOf(':');
                try {
                    int port = Integer.parseInt(e.getValue().substring(colon + 1));
                    if (colon <= 0 || port < 1 || port > 65535) {
                        throw new NumberFormatException();
                    }
                    remotes.put(e.getKey(), InetSocketAddress.createUnresolved(e.getValue().substring(0, colon), port));
                } catch (RuntimeException ex) {
                    throw new IllegalArgumentException("'" + e.getValue() + "' of host " + e.getKey() + " is not address:port", ex);
                }
            }
            return remotes;
        }

        private static Map<String, String> pairs(String text) {
            Map<String, String> m = new LinkedHashMap<>();
            if (text == null || text.isBlank()) {
                return m;
            }
            for (String item : text.split(",")) {
                int eq = item.indexOf('=');
                if (eq <= 0 || eq == item.trim().length() - 1) {
                    throw new IllegalArgumentException("'" + item.trim() + "' must be host=value");
                }
                m.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
            }
            return m;
        }
    }

    private final ConfigGuard<Config, Settings> settings;
    private final VmService vms;
    private final VmMobility mobility;
    private final HostRegistry hosts;
    private final Path historyDir;
    private final ExecutorService executor;
    private final AtomicInteger threads = new AtomicInteger();
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<UUID, IncomingSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, MigrationRun> active = new ConcurrentHashMap<>();
    /** Reports of finished runs, oldest first; not the runs, which hold the outgoing VM (its guest memory's objects). */
    private final Deque<MigrationReport> history = new ArrayDeque<>();
    private final List<NetworkProgrammer> programmers = new CopyOnWriteArrayList<>();
    private volatile DiskOwnership diskOwnership;

    /** Activates with its configuration (its defaults if that is refused); endpoints open as hosts appear. */
    @Activate
    public MigrationManager(Config config, BundleContext context, @Reference HostRegistry hosts,
                            @Reference VmService vms, @Reference VmMobility mobility) {
        this(ConfigGuard.start(config, ConfigGuard.defaults(Config.class), Settings::parse), hosts, vms, mobility,
                dataDir(context).resolve("vstack").resolve("migrations"));
    }

    /** Without Config Admin: for tests. */
    MigrationManager(Settings settings, HostRegistry hosts, VmService vms, VmMobility mobility, Path historyDir) {
        this(ConfigGuard.of(settings, Settings::parse), hosts, vms, mobility, historyDir);
    }

    private MigrationManager(ConfigGuard<Config, Settings> settings, HostRegistry hosts, VmService vms, VmMobility mobility,
                             Path historyDir) {
        this.settings = settings;
        this.hosts = hosts;
        this.vms = vms;
        this.mobility = mobility;
        this.historyDir = historyDir;
        this.executor = new ThreadPoolExecutor(0, 64, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "vstack-migration-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        LOG.info("Live migration ready: endpoints on {}, remote hosts {}, metrics under {}",
                settings().bindAddress().getHostAddress(), settings().remoteHosts().keySet(), historyDir);
    }

    /**
     * Applies a changed configuration in place: remote hosts (for migrations started from now on)
     * and history size; a change of the bind address or the ports applies at the next start. A bad
     * value is refused with one log line and changes nothing.
     */
    @Modified
    void modified(Config config) {
        settings.update(config, (previous, next) -> {
            ConfigKeys.requireUnchanged(PID, "bindAddress", previous.bindAddress().getHostAddress(),
                    next.bindAddress().getHostAddress());
            ConfigKeys.requireUnchanged(PID, "ports", previous.ports(), next.ports());
            LOG.info("Live migration reconfigured: remote hosts {}, history of {}", next.remoteHosts().keySet(),
                    next.historySize());
        });
    }

    /** The settings in force. */
    Settings settings() {
        return settings.current();
    }

    private static Path dataDir(BundleContext context) {
        return KarafData.of(context);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addHost(Host host) {
        String name = host.name();
        int port = settings().ports().getOrDefault(name, 0);
        try {
            Endpoint e = new Endpoint(name, new InetSocketAddress(settings().bindAddress(), port), executor,
                    socket -> IncomingSession.serve(name, mobility, sessions, socket));
            Endpoint old = endpoints.put(name, e);
            if (old != null) {
                old.close();
            }
            LOG.info("Migration endpoint of host {} listens on {}", name, e.address());
        } catch (IOException ex) {
            LOG.error("Migration endpoint of host {} could not listen on {}:{}: {}", name, settings().bindAddress().getHostAddress(), port, ex.getMessage());
        }
    }

    void removeHost(Host host) {
        Endpoint e = endpoints.remove(host.name());
        if (e != null) {
            e.close();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addProgrammer(NetworkProgrammer programmer) {
        programmers.add(programmer);
        LOG.info("Network programmer {} added", programmer.name());
    }

    void removeProgrammer(NetworkProgrammer programmer) {
        programmers.remove(programmer);
        LOG.info("Network programmer {} removed", programmer.name());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setDiskOwnership(DiskOwnership ownership) {
        diskOwnership = ownership;
    }

    void unsetDiskOwnership(DiskOwnership ownership) {
        if (diskOwnership == ownership) {
            diskOwnership = null;
        }
    }

    /** The endpoint address of a local host (tests, status). */
    Optional<InetSocketAddress> endpoint(String host) {
        Endpoint e = endpoints.get(host);
        return e == null ? Optional.empty() : Optional.of(e.address());
    }

    /** Cancels the running migrations, waits briefly for them, closes the endpoints. */
    @Deactivate
    public void deactivate() {
        for (MigrationRun run : active.values()) {
            try {
                run.cancel();
            } catch (MigrationException e) {
                LOG.debug("at deactivation: {}", e.getMessage());
                run.abandonPostcopy(); // post-copy cannot be cancelled: its thread stops, the VM stays where it runs
            }
        }
        for (MigrationRun run : active.values()) {
            try {
                run.awaitDone(TimeUnit.SECONDS.toNanos(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        endpoints.values().forEach(Endpoint::close);
        endpoints.clear();
        executor.shutdownNow();
        LOG.info("Live migration stopped");
    }

    @Override
    public MigrationStatus start(String vmId, String destinationHost, MigrationParams params) throws MigrationException {
        synchronized (this) {
            VmInfo vm = vms.vm(vmId).orElseThrow(() -> new MigrationException("No VM named " + UserText.quote(vmId) + "; vm:list shows the VMs"));
            InetSocketAddress address = address(destinationHost);
            if (vm.host().equals(destinationHost)) {
                throw new MigrationException("VM " + vmId + " is already on host " + destinationHost);
            }
            for (MigrationRun r : active.values()) {
                if (r.vmId.equals(vmId)) {
                    throw new MigrationException("VM " + vmId + " is already migrating (migration " + r.id + " to " + r.destination + ")");
                }
            }
            if (vm.state() != VmState.RUNNING && vm.state() != VmState.SUSPENDED) {
                throw new MigrationException("VM " + vmId + " is " + vm.state().name().toLowerCase() + ": only a running or suspended VM migrates");
            }
            OutgoingVm out;
            try {
                out = mobility.migrateOut(vmId, destinationHost);
            } catch (VmException e) {
                throw new MigrationException(e.getMessage(), e);
            }
            String id = "m-" + UUID.randomUUID().toString().substring(0, 8);
            MigrationRun run = new MigrationRun(id, vmId, vm.host(), destinationHost, address, params, out, this);
            active.put(id, run);
            Thread t = new Thread(run, "vstack-migration-" + id);
            t.setDaemon(true);
            t.start();
            LOG.info("Migration {} of VM {} {}→{} started ({}, downtime limit {} ms, {} extra channels)", id, vmId, vm.host(),
                    destinationHost, params.mode(), params.downtimeLimit().toMillis(), params.channels());
            return run.status();
        }
    }

    private InetSocketAddress address(String host) throws MigrationException {
        Endpoint local = endpoints.get(host);
        if (local != null) {
            return local.address();
        }
        InetSocketAddress remote = settings().remoteHosts().get(host);
        if (remote != null) {
            return new InetSocketAddress(remote.getHostString(), remote.getPort());
        }
        if (hosts.host(host).isPresent()) {
            throw new MigrationException("host " + host + " has no migration endpoint (see the log)");
        }
        throw new MigrationException("No host named " + UserText.quote(host) + "; host:list shows the hosts");
    }

    @Override
    public Optional<MigrationStatus> status(String id) {
        MigrationRun run = active.get(id);
        if (run != null) {
            return Optional.of(run.status());
        }
        return finished(id).map(MigrationReport::status);
    }

    @Override
    public List<MigrationStatus> active() {
        return active.values().stream().map(MigrationRun::status).toList();
    }

    @Override
    public void cancel(String id) throws MigrationException {
        MigrationRun run = active.get(id);
        if (run == null) {
            throw new MigrationException("No running migration '" + id + "'; migrate:status shows them");
        }
        run.cancel();
    }

    @Override
    public void recover(String vmId) throws MigrationException {
        for (MigrationRun run : active.values()) {
            if (run.vmId.equals(vmId)) {
                run.recover();
                return;
            }
        }
        throw new MigrationException("No migration of VM '" + vmId + "' runs from this process; migrate:status shows them"
                + " (recover on the source's process)");
    }

    /** Sends the next post-copy frame of migration {@code id} with a wrong CRC (test hook). */
    boolean corruptPostcopyFrame(String id) {
        MigrationRun run = active.get(id);
        return run != null && run.corruptPostcopyFrame();
    }

    /** Breaks the post-copy connection of migration {@code id} (test hook). */
    boolean cutPostcopyConnection(String id) throws IOException {
        MigrationRun run = active.get(id);
        return run != null && run.cutPostcopyConnection();
    }

    @Override
    public MigrationReport await(String id) throws MigrationException, InterruptedException {
        MigrationRun run = active.get(id);
        MigrationReport report;
        if (run != null) {
            while (!run.awaitDone(TimeUnit.SECONDS.toNanos(1))) {
                // keep waiting: a migration ends by completing, failing or being cancelled
            }
            report = run.report();
        } else {
            report = finished(id).orElseThrow(() -> new MigrationException("No migration '" + id + "'; migrate:history shows them"));
        }
        MigrationStatus status = report.status();
        if (status.error().isPresent()) {
            // The error names where the VM runs: the source after a rollback, the destination after post-copy.
            throw new MigrationException("migration " + id + " of VM " + status.vmId() + " failed: " + status.error().get());
        }
        return report;
    }

    @Override
    public List<MigrationReport> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    private Optional<MigrationReport> finished(String id) {
        synchronized (history) {
            return history.stream().filter(r -> r.status().id().equals(id)).findFirst();
        }
    }

    // ---- MigrationRun.Context ----

    @Override
    public List<NetworkProgrammer> programmers() {
        return List.copyOf(programmers);
    }

    @Override
    public Optional<DiskOwnership> diskOwnership() {
        return Optional.ofNullable(diskOwnership);
    }

    @Override
    public boolean runsOn(String vmId, String host) {
        return vms.vm(vmId).map(v -> v.host().equals(host) && v.state() != VmState.MIGRATING).orElse(false);
    }

    @Override
    public void finished(MigrationRun run) {
        Optional<Path> file = writeMetrics(run);
        run.setReport(run.buildReport(file));
        synchronized (history) {
            history.addLast(run.report());
            while (history.size() > settings().historySize()) {
                history.removeFirst();
            }
        }
        active.remove(run.id, run);
    }

    private Optional<Path> writeMetrics(MigrationRun run) {
        try {
            Path file = historyDir.resolve(run.id + ".json");
            StoreFiles.writeAtomically(file, METRICS_JSON.writeValueAsBytes(run.metrics()));
            return Optional.of(file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("metrics of migration {} could not be written under {}: {}", run.id, historyDir, e.toString());
            return Optional.empty();
        }
    }
}
