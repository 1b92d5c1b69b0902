package io.vstack.pods.internal;

import io.vstack.api.UserText;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.pod.ContainerRuntime;
import io.vstack.api.pod.PodException;
import io.vstack.api.pod.PodPhase;
import io.vstack.api.pod.PodService;
import io.vstack.api.pod.PodSpec;
import io.vstack.api.pod.PodStatus;
import io.vstack.api.pod.PodWatcher;
import io.vstack.api.vm.VmService;
import io.vstack.support.ConfigGuard;
import io.vstack.support.ConfigKeys;
import io.vstack.support.KarafData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod control plane: the desired pods in memory, the scheduler, one {@link PodVmController}
 * per host, and a supervisor thread ({@code vstack-pods-supervisor}) that every resync period
 * places pending pods and restarts a controller thread that died. Deactivating it deletes every
 * pod (the desired state does not outlive it), so no pod VM is left behind.
 */
@Component(service = PodService.class, immediate = true, configurationPid = PodControlPlane.PID)
@Designate(ocd = PodControlPlane.Config.class)
public final class PodControlPlane implements PodService, PodVmController.Plane {

    static final String PID = "io.vstack.pods";
    private static final Logger LOG = LoggerFactory.getLogger(PodControlPlane.class);

    /** Configuration of the pods capability. */
    @ObjectClassDefinition(id = PID, name = "vstack pods", description = "Pods of containers in pod VMs")
    public @interface Config {
        @AttributeDefinition(description = "How often each host's pod-VM controller reconciles without being "
                + "woken, and the supervisor places pending pods and restarts dead controllers, e.g. 5s or 200ms")
        String resync() default "5s";

        @AttributeDefinition(description = "The container runtime the pod VMs' agents use (a ContainerRuntime "
                + "service's vstack.pod.runtime name): sim, or process (real child processes)")
        String runtime() default "sim";

        @AttributeDefinition(description = "The executables the process runtime may start, absolute paths separated "
                + "by commas, e.g. /bin/echo,/bin/cat; empty (the default) lets it start nothing")
        String processAllow() default "";

        @AttributeDefinition(description = "Directory of the pods' container files; empty means ${karaf.data}/vstack/pods")
        String directory() default "";
    }

    /**
     * Parsed settings.
     *
     * @param resync    the resync period of the controllers and the supervisor
     * @param runtime   the container runtime's name
     * @param directory where the pods' container files live
     * @param processAllow the executables the process runtime may start
     */
    public record Settings(Duration resync, String runtime, Path directory, Set<String> processAllow) {
        static Settings parse(Config c, Path dataRoot) {
            Duration resync = ConfigKeys.duration(PID, "resync", c.resync());
            if (resync.isZero()) {
                throw new IllegalArgumentException(PID + ": key 'resync': must be more than 0");
            }
            String runtime = ConfigKeys.name(PID, "runtime", c.runtime());
            Path dir = ConfigKeys.writableDirectory(PID, "directory",
                    ConfigKeys.dataDirectory(c.directory(), dataRoot, "vstack", "pods"));
            Set<String> allow = new TreeSet<>();
            for (String item : c.processAllow().split(",")) {
                String path = item.trim();
                if (path.isEmpty()) {
                    continue;
                }
                if (!path.startsWith("/") || path.contains("\u0000")) {
                    throw new IllegalArgumentException(PID + ": key 'processAllow': " + UserText.quote(path)
                            + " is not an absolute path");
                }
                allow.add(path);
            }
            return new Settings(resync, runtime, dir, Set.copyOf(allow));
        }
    }

    private final HostRegistry hosts;
    private final VmService vms;
    private final ConfigGuard<Config, Settings> settings;
    private final Map<String, ContainerRuntime> runtimes = new ConcurrentHashMap<>();
    private final Map<String, Entry> pods = new ConcurrentSkipListMap<>();
    private final Map<String, PodVmController> controllers = new ConcurrentHashMap<>();
    private final List<PodWatcher> watchers = new CopyOnWriteArrayList<>();
    private final Semaphore supervisorWake = new Semaphore(0);
    private final ProcessRuntime processRuntime;
    private final Thread supervisor;
    private volatile boolean stopping;

    /** One desired pod: its spec, the host it is placed on (empty if none) and its last status. */
    private static final class Entry {
        final PodSpec spec;
        volatile String host = "";
        volatile PodStatus status;

        Entry(PodSpec spec) {
            this.spec = spec;
        }
    }

    @Activate
    public PodControlPlane(@Reference HostRegistry hosts, @Reference VmService vms, Config config,
                           BundleContext context) {
        this(hosts, vms, ConfigGuard.start(config, ConfigGuard.defaults(Config.class),
                c -> Settings.parse(c, KarafData.of(context))));
    }

    /** For tests and benchmarks: settings without Config Admin. */
    public PodControlPlane(HostRegistry hosts, VmService vms, Settings settings) {
        this(hosts, vms, ConfigGuard.of(settings, c -> Settings.parse(c, settings.directory())));
    }

    private PodControlPlane(HostRegistry hosts, VmService vms, ConfigGuard<Config, Settings> settings) {
        this.hosts = hosts;
        this.vms = vms;
        this.settings = settings;
        this.processRuntime = new ProcessRuntime(settings.current().processAllow());
        runtimes.put("process", processRuntime);
        this.supervisor = new Thread(this::supervise, "vstack-pods-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    @Modified
    void modified(Config config) {
        settings.update(config, (previous, next) -> {
            ConfigKeys.requireUnchanged(PID, "directory", previous.directory(), next.directory());
            processRuntime.setAllowed(next.processAllow());
            controllers.values().forEach(c -> c.setResync(next.resync()));
            supervisorWake.release();
        });
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(" + ContainerRuntime.NAME_PROPERTY + "=*)")
    void bindRuntime(ContainerRuntime runtime, Map<String, Object> properties) {
        runtimes.put(String.valueOf(properties.get(ContainerRuntime.NAME_PROPERTY)), runtime);
        controllers.values().forEach(PodVmController::wake);
    }

    void unbindRuntime(ContainerRuntime runtime, Map<String, Object> properties) {
        runtimes.remove(String.valueOf(properties.get(ContainerRuntime.NAME_PROPERTY)), runtime);
    }

    /** Adds a runtime without the whiteboard: for tests and benchmarks. */
    public void addRuntime(String name, ContainerRuntime runtime) {
        bindRuntime(runtime, Map.of(ContainerRuntime.NAME_PROPERTY, name));
    }

    @Deactivate
    public void deactivate() throws InterruptedException {
        stopping = true;
        supervisor.interrupt();
        supervisor.join(10_000);
        for (PodVmController controller : controllers.values()) {
            controller.stop();
        }
        for (String key : List.copyOf(pods.keySet())) {
            Entry entry = pods.remove(key);
            try {
                teardown(entry);
            } catch (IOException e) {
                LOG.warn("pod {} not fully removed: {}", key, e.getMessage());
            }
        }
    }

    @Override
    public PodStatus apply(PodSpec spec) throws PodException {
        ContainerRuntime runtime = runtime();
        if (runtime != null) {
            spec.containers().forEach(runtime::check);
        }
        Entry entry = new Entry(spec);
        synchronized (this) {
            if (pods.containsKey(spec.key())) {
                throw new PodException("pod " + UserText.quote(spec.key()) + " already exists: pod:delete it first");
            }
            pods.put(spec.key(), entry);
            place(entry);
        }
        publish(entry, entry.status);
        wakeController(entry.host);
        return entry.status;
    }

    /** Places an unplaced pod, or records why it cannot be. Under the plane's lock. */
    private void place(Entry entry) {
        List<Host> all = hosts.hosts();
        Scheduler.Placement placement = Scheduler.place(entry.spec, all, pods.values().stream()
                .filter(e -> !e.host.isEmpty())
                .map(e -> new Scheduler.Placed(e.host, e.spec.cpuMillis(), e.spec.memoryBytes())).toList());
        entry.host = placement.host();
        entry.status = new PodStatus(entry.spec, PodPhase.PENDING, placement.host(), "",
                placement.placed() ? "placed on " + placement.host() + ", creating its pod VM" : placement.reason(),
                List.of());
    }

    @Override
    public void delete(String namespace, String name) throws PodException {
        String key = namespace + "/" + name;
        Entry entry;
        synchronized (this) {
            entry = pods.remove(key);
        }
        if (entry == null) {
            throw new PodException("no pod " + UserText.quote(key));
        }
        try {
            teardown(entry);
        } catch (IOException e) {
            throw new PodException("pod " + UserText.quote(key) + " deleted, but " + e.getMessage());
        }
        watchers.forEach(w -> w.deleted(key));
        supervisorWake.release();
    }

    private void teardown(Entry entry) throws IOException {
        String host = entry.host;
        if (!host.isEmpty()) {
            controller(host).teardown(entry.spec);
        }
    }

    @Override
    public List<PodStatus> pods() {
        return pods.values().stream().map(e -> e.status).toList();
    }

    @Override
    public Optional<PodStatus> pod(String namespace, String name) {
        return Optional.ofNullable(pods.get(namespace + "/" + name)).map(e -> e.status);
    }

    @Override
    public String logs(String namespace, String name, String container, int maxBytes) throws PodException, IOException {
        Entry entry = pods.get(namespace + "/" + name);
        if (entry == null) {
            throw new PodException("no pod " + UserText.quote(namespace + "/" + name));
        }
        if (entry.spec.containers().stream().noneMatch(c -> c.name().equals(container))) {
            throw new PodException("pod " + entry.spec.key() + " has no container " + UserText.quote(container));
        }
        Path log = settings.current().directory().resolve(PodVmController.vmName(entry.spec)).resolve(container)
                .resolve("log");
        if (entry.host.isEmpty() || !Files.exists(log)) {
            throw new PodException("container " + container + " of pod " + entry.spec.key() + " has not started");
        }
        return PodFiles.tail(log, maxBytes);
    }

    @Override
    public AutoCloseable watch(PodWatcher watcher) {
        watchers.add(watcher);
        pods().forEach(watcher::changed);
        return () -> watchers.remove(watcher);
    }

    // --- what the controllers see

    @Override
    public List<PodSpec> placedOn(String host) {
        return pods.values().stream().filter(e -> e.host.equals(host)).map(e -> e.spec).toList();
    }

    @Override
    public ContainerRuntime runtime() {
        return runtimes.get(settings.current().runtime());
    }

    @Override
    public String runtimeName() {
        return UserText.quote(settings.current().runtime());
    }

    @Override
    public void report(PodStatus status) {
        Entry entry = pods.get(status.key());
        if (entry == null || entry.spec != status.spec() || !entry.host.equals(status.host())) {
            return;
        }
        if (!status.equals(entry.status)) {
            entry.status = status;
            publish(entry, status);
        }
    }

    @Override
    public void unplace(PodSpec spec, String reason) {
        Entry entry = pods.get(spec.key());
        if (entry == null || entry.spec != spec) {
            return;
        }
        PodStatus status;
        synchronized (this) {
            entry.host = "";
            status = new PodStatus(spec, PodPhase.PENDING, "", "", reason, List.of());
            entry.status = status;
        }
        publish(entry, status);
    }

    private void publish(Entry entry, PodStatus status) {
        if (pods.get(status.key()) == entry) {
            watchers.forEach(w -> w.changed(status));
        }
    }

    // --- controllers and the supervisor

    /** The controller of {@code host}, made (and its thread started) on first use. */
    PodVmController controller(String host) {
        return controllers.computeIfAbsent(host, h -> {
            PodVmController c = new PodVmController(h, this, vms, settings.current().directory(),
                    settings.current().resync());
            if (!stopping) {
                c.ensureRunning();
            }
            return c;
        });
    }

    private void wakeController(String host) {
        if (!host.isEmpty()) {
            controller(host).wake();
        }
    }

    private void supervise() {
        try {
            while (!stopping) {
                supervisorWake.tryAcquire(settings.current().resync().toNanos(), TimeUnit.NANOSECONDS);
                supervisorWake.drainPermits();
                if (stopping) {
                    return;
                }
                try {
                    superviseOnce();
                } catch (RuntimeException e) {
                    LOG.warn("pods supervisor: {}", e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Places the pending pods that fit now and restarts dead controller threads. */
    void superviseOnce() {
        for (Entry entry : pods.values()) {
            if (entry.host.isEmpty()) {
                PodStatus before;
                PodStatus status;
                synchronized (this) {
                    if (pods.get(entry.spec.key()) != entry || !entry.host.isEmpty()) {
                        continue;
                    }
                    before = entry.status;
                    place(entry);
                    status = entry.status;
                }
                if (!status.equals(before)) {
                    publish(entry, status);
                }
                wakeController(entry.host);
            }
        }
        for (PodVmController controller : controllers.values()) {
            controller.ensureRunning();
        }
    }
}
