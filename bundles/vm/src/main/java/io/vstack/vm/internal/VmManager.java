package io.vstack.vm.internal;

import io.vstack.api.UserText;
import io.vstack.api.disk.DiskManager;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.memory.AddressSpaces;
import io.vstack.api.vm.GuestMemory;
import io.vstack.api.vm.IncomingVm;
import io.vstack.api.vm.OutgoingVm;
import io.vstack.api.vm.VmException;
import io.vstack.api.vm.VmInfo;
import io.vstack.api.vm.VmListener;
import io.vstack.api.vm.VmMobility;
import io.vstack.api.vm.VmService;
import io.vstack.api.vm.VmSpec;
import io.vstack.api.vm.VmState;
import io.vstack.api.vm.WorkloadSpec;
import io.vstack.support.KarafData;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VMs of this process on their hosts, and their moves. State changes are serialized on this
 * object; reads are lock-free. The inventory ({@link VmStore}) is under
 * {@code ${karaf.data}/vstack/vms/}; on activation every VM found there comes back stopped.
 */
@Component(service = {VmService.class, VmMobility.class}, immediate = true)
public final class VmManager implements VmService, VmMobility {

    private static final Logger LOG = LoggerFactory.getLogger(VmManager.class);

    private final HostRegistry hosts;
    private final VmStore store;
    private final GuestRam.Order order;
    private final Map<String, Entry> vms = new ConcurrentSkipListMap<>();
    private final Map<String, Incoming> incoming = new ConcurrentHashMap<>();
    private final List<VmListener> listeners = new CopyOnWriteArrayList<>();
    private volatile DiskManager disks;
    private volatile AddressSpaces spaces;

    /** One VM of the inventory. Fields guarded by the manager. */
    private static final class Entry {
        volatile VmSpec spec;
        volatile VmState state;
        volatile VmInstance instance;
        volatile Outgoing outgoing;

        Entry(VmSpec spec) {
            this.spec = spec;
            this.state = VmState.STOPPED;
        }
    }

    /** Activates with the inventory under {@code ${karaf.data}/vstack/vms}. */
    @Activate
    public VmManager(@Reference HostRegistry hosts, BundleContext context) {
        this(hosts, dataDir(context).resolve("vstack").resolve("vms"), GuestRam.Order.MARK_AFTER_WRITE);
    }

    /** A manager over {@code inventoryDir} (tests: also the write order of guest memory). */
    public VmManager(HostRegistry hosts, Path inventoryDir, GuestRam.Order order) {
        this.hosts = hosts;
        this.store = new VmStore(inventoryDir);
        this.order = order;
        for (VmSpec spec : store.loadAll()) {
            vms.put(spec.name(), new Entry(spec));
        }
        LOG.info("VM manager ready: {} VMs in the inventory {} (all stopped: guest memory does not survive a restart)",
                vms.size(), inventoryDir);
    }

    private static Path dataDir(BundleContext context) {
        return KarafData.of(context);
    }

    /** The disk manager that {@link #create} checks a VM's disks with, if one runs. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindDisks")
    public void bindDisks(DiskManager manager) {
        disks = manager;
    }

    public void unbindDisks(DiskManager manager) {
        if (disks == manager) {
            disks = null;
        }
    }

    /**
     * The memory bundle's address spaces, if it runs: a VM it {@linkplain AddressSpaces#backsGuestMemory
     * backs} gets demand-paged guest memory on an address space when it starts or arrives.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindSpaces")
    public void bindSpaces(AddressSpaces addressSpaces) {
        spaces = addressSpaces;
    }

    public void unbindSpaces(AddressSpaces addressSpaces) {
        if (spaces == addressSpaces) {
            spaces = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addListener(VmListener listener) {
        listeners.add(listener);
        for (Entry e : vms.values()) {
            notifyChanged(listener, info(e));
        }
    }

    void removeListener(VmListener listener) {
        listeners.remove(listener);
    }

    /** Ends every VM's vCPUs and gives its memory back; the inventory stays. */
    @Deactivate
    public synchronized void deactivate() {
        incoming.values().forEach(Incoming::abort);
        for (Entry e : vms.values()) {
            if (e.instance != null) {
                e.instance.destroy();
                e.instance = null;
                e.state = VmState.STOPPED;
            }
        }
        LOG.info("VM manager stopped; {} VMs stay in the inventory", vms.size());
    }

    // ---- VmService ----

    @Override
    public synchronized VmInfo create(VmSpec spec) throws VmException {
        if (vms.containsKey(spec.name()) || incoming.containsKey(spec.name())) {
            throw new VmException("A VM named " + UserText.quote(spec.name()) + " exists already");
        }
        Host host = host(spec.host());
        requireDisks(spec);
        requireFreeAddresses(spec);
        long free = host.memory().freeFrames() * host.memory().frameSize();
        if (spec.memory() > free) {
            throw new VmException("VM " + spec.name() + " needs " + human(spec.memory()) + " but host " + host.name()
                    + " has " + human(free) + " free");
        }
        store.save(spec);
        Entry e = new Entry(spec);
        vms.put(spec.name(), e);
        LOG.info("VM {} created on {}: {} memory, {} vCPUs", spec.name(), spec.host(), human(spec.memory()), spec.vcpus());
        return changed(e);
    }

    /** Every disk the VM names exists (the disk manager is asked). */
    private void requireDisks(VmSpec spec) throws VmException {
        DiskManager manager = disks;
        for (String disk : spec.disks()) {
            if (manager == null) {
                throw new VmException("VM " + spec.name() + " names disk " + disk
                        + ", but no disk manager is running to check it (feature vstack-disks)");
            }
            if (manager.disk(disk).isEmpty()) {
                throw new VmException("VM " + spec.name() + ": no disk named " + UserText.quote(disk) + "; disk:list shows the disks");
            }
        }
    }

    /** No address of the VM is another VM's on the same network, or given twice. */
    private void requireFreeAddresses(VmSpec spec) throws VmException {
        Map<String, String> taken = new HashMap<>();
        for (Entry e : vms.values()) {
            addresses(e.spec).forEach(a -> taken.put(a, e.spec.name()));
        }
        incoming.values().forEach(i -> addresses(i.spec).forEach(a -> taken.put(a, i.spec.name())));
        for (String address : addresses(spec)) {
            String owner = taken.put(address, spec.name());
            if (owner != null) {
                String[] parts = address.split("/", 2);
                throw new VmException("address " + parts[1] + " on network " + parts[0] + " is taken by VM "
                        + (owner.equals(spec.name()) ? spec.name() + " itself (given twice)" : owner));
            }
        }
    }

    /** A VM's addresses as {@code network/ip}. */
    private static List<String> addresses(VmSpec spec) {
        return spec.interfaces().stream().flatMap(i -> i.addresses().stream().map(ip -> i.network() + "/" + ip)).toList();
    }

    @Override
    public List<VmInfo> vms() {
        return vms.values().stream().map(VmManager::info).toList();
    }

    @Override
    public Optional<VmInfo> vm(String id) {
        Entry e = vms.get(id);
        return e == null ? Optional.empty() : Optional.of(info(e));
    }

    @Override
    public synchronized VmInfo start(String id) throws VmException {
        Entry e = entry(id);
        if (e.state != VmState.STOPPED) {
            throw new VmException("VM " + id + " is " + e.state.name().toLowerCase() + ", not stopped");
        }
        Host host = host(e.spec.host());
        VmInstance instance = VmInstance.create(e.spec, host.memory(), spaces, true, order);
        instance.startCpus(true);
        e.instance = instance;
        e.state = VmState.RUNNING;
        LOG.info("VM {} started on {}", id, e.spec.host());
        return changed(e);
    }

    @Override
    public synchronized VmInfo stop(String id) throws VmException {
        Entry e = entry(id);
        requireNotMigrating(e);
        if (e.state == VmState.STOPPED) {
            throw new VmException("VM " + id + " is already stopped");
        }
        e.instance.destroy();
        e.instance = null;
        e.state = VmState.STOPPED;
        LOG.info("VM {} stopped", id);
        return changed(e);
    }

    @Override
    public synchronized VmInfo suspend(String id) throws VmException {
        Entry e = entry(id);
        requireNotMigrating(e);
        if (e.state != VmState.RUNNING) {
            throw new VmException("VM " + id + " is " + e.state.name().toLowerCase() + ", not running");
        }
        e.instance.stun();
        e.state = VmState.SUSPENDED;
        return changed(e);
    }

    @Override
    public synchronized VmInfo resume(String id) throws VmException {
        Entry e = entry(id);
        if (e.state != VmState.SUSPENDED) {
            throw new VmException("VM " + id + " is " + e.state.name().toLowerCase() + ", not suspended");
        }
        e.instance.release();
        e.state = VmState.RUNNING;
        return changed(e);
    }

    @Override
    public synchronized void delete(String id) throws VmException {
        Entry e = entry(id);
        requireNotMigrating(e);
        if (e.instance != null) {
            e.instance.destroy();
            e.instance = null;
        }
        store.delete(id);
        vms.remove(id);
        VmInfo last = info(e);
        LOG.info("VM {} deleted", id);
        for (VmListener l : listeners) {
            try {
                l.vmDeleted(last);
            } catch (RuntimeException ex) {
                LOG.warn("VM listener {} failed on deletion of {}", l, id, ex);
            }
        }
    }

    @Override
    public synchronized VmInfo setWorkload(String id, WorkloadSpec workload) throws VmException {
        Entry e = entry(id);
        requireNotMigrating(e);
        VmSpec spec = e.spec.withWorkload(workload);
        store.save(spec);
        e.spec = spec;
        if (e.instance != null) {
            e.instance.setWorkload(workload);
        }
        return changed(e);
    }

    // ---- VmMobility ----

    @Override
    public synchronized OutgoingVm migrateOut(String vmId, String destinationHost) throws VmException {
        Entry e = entry(vmId);
        if (e.state == VmState.MIGRATING) {
            throw new VmException("VM " + vmId + " is already migrating to " + e.outgoing.destination);
        }
        if (e.state != VmState.RUNNING && e.state != VmState.SUSPENDED) {
            throw new VmException("VM " + vmId + " is " + e.state.name().toLowerCase() + ": only a running or suspended VM migrates");
        }
        if (e.spec.host().equals(destinationHost)) {
            throw new VmException("VM " + vmId + " is already on host " + destinationHost);
        }
        Outgoing out = new Outgoing(e, e.instance, destinationHost, e.state == VmState.RUNNING);
        e.instance.ram().dirtyLog().clear();
        e.outgoing = out;
        e.state = VmState.MIGRATING;
        changed(e);
        return out;
    }

    @Override
    public synchronized IncomingVm prepareIncoming(VmSpec spec) throws VmException {
        Entry e = vms.get(spec.name());
        if (e != null && !(e.state == VmState.MIGRATING && e.outgoing.destination.equals(spec.host()))) {
            throw new VmException("A VM named " + UserText.quote(spec.name()) + " exists already here and is not migrating to " + spec.host());
        }
        if (incoming.containsKey(spec.name())) {
            throw new VmException("VM " + spec.name() + " is already arriving");
        }
        Host host = host(spec.host());
        VmInstance instance = VmInstance.create(spec, host.memory(), spaces, false, order);
        Incoming in = new Incoming(spec, instance);
        incoming.put(spec.name(), in);
        return in;
    }

    // ---- internals ----

    private Entry entry(String id) throws VmException {
        Entry e = vms.get(id);
        if (e == null) {
            throw new VmException("No VM named " + UserText.quote(id) + "; vm:list shows the VMs");
        }
        return e;
    }

    private Host host(String name) throws VmException {
        return hosts.host(name).orElseThrow(() -> new VmException("No host named " + UserText.quote(name) + "; host:list shows the hosts"));
    }

    private static void requireNotMigrating(Entry e) throws VmException {
        if (e.state == VmState.MIGRATING) {
            throw new VmException("VM " + e.spec.name() + " is migrating to " + e.outgoing.destination
                    + "; wait for it or migrate:cancel it");
        }
    }

    private static VmInfo info(Entry e) {
        VmInstance i = e.instance;
        return new VmInfo(e.spec, e.state, i == null ? 0 : i.writes(), i == null ? 0 : i.stunController().throttle(),
                i == null ? -1 : i.lastStunNanos(), i == null ? -1 : i.maxTickGap());
    }

    private VmInfo changed(Entry e) {
        VmInfo info = info(e);
        for (VmListener l : listeners) {
            notifyChanged(l, info);
        }
        return info;
    }

    private static void notifyChanged(VmListener l, VmInfo info) {
        try {
            l.vmChanged(info);
        } catch (RuntimeException ex) {
            LOG.warn("VM listener {} failed on a change of {}", l, info.id(), ex);
        }
    }

    private static String human(long bytes) {
        return io.vstack.api.ByteSize.ofBytes(bytes).toHumanString();
    }

    /** The source side of a move. */
    private final class Outgoing implements OutgoingVm {
        final Entry entry;
        final VmInstance instance;
        final String destination;
        final boolean wasRunning;
        private boolean ended;

        Outgoing(Entry entry, VmInstance instance, String destination, boolean wasRunning) {
            this.entry = entry;
            this.instance = instance;
            this.destination = destination;
            this.wasRunning = wasRunning;
        }

        @Override
        public VmSpec spec() {
            return instance.spec();
        }

        @Override
        public boolean wasRunning() {
            return wasRunning;
        }

        @Override
        public GuestMemory memory() {
            GuestRam ram = instance.ram();
            return new GuestMemory() {
                @Override
                public long pages() {
                    return ram.pages();
                }

                @Override
                public ByteBuffer page(long pfn) {
                    return ram.readOnlyPage(pfn);
                }
            };
        }

        @Override
        public long harvestDirty(long[] bitmap) {
            return instance.ram().dirtyLog().harvestInto(bitmap);
        }

        @Override
        public Duration stun() {
            return instance.stun();
        }

        @Override
        public void setThrottle(int percent) {
            instance.stunController().setThrottle(percent);
        }

        @Override
        public byte[] saveCpuState() {
            return instance.saveCpuState();
        }

        @Override
        public void complete() {
            synchronized (VmManager.this) {
                if (ended) {
                    return;
                }
                ended = true;
                instance.destroy();
                if (entry.instance == instance) {
                    // The VM went to another process: it leaves this inventory.
                    vms.remove(entry.spec.name(), entry);
                    store.delete(entry.spec.name());
                    entry.instance = null;
                    entry.outgoing = null;
                    LOG.info("VM {} left for {} (another process)", entry.spec.name(), destination);
                    for (VmListener l : listeners) {
                        try {
                            l.vmDeleted(info(entry));
                        } catch (RuntimeException ex) {
                            LOG.warn("VM listener {} failed", l, ex);
                        }
                    }
                }
            }
        }

        @Override
        public void abort() {
            synchronized (VmManager.this) {
                if (ended) {
                    return;
                }
                ended = true;
                instance.stunController().setThrottle(0);
                if (entry.instance == instance) {
                    entry.outgoing = null;
                    entry.state = wasRunning ? VmState.RUNNING : VmState.SUSPENDED;
                    if (wasRunning) {
                        instance.release();
                    }
                    changed(entry);
                }
            }
        }
    }

    /** The destination side of a move. */
    private final class Incoming implements IncomingVm {
        final VmSpec spec;
        final VmInstance instance;
        private boolean ended;

        Incoming(VmSpec spec, VmInstance instance) {
            this.spec = spec;
            this.instance = instance;
        }

        @Override
        public GuestMemory memory() {
            return instance.ram();
        }

        @Override
        public long activate(byte[] cpuState, boolean running) throws VmException {
            synchronized (VmManager.this) {
                if (ended) {
                    throw new VmException("VM " + spec.name() + " was aborted before it could start on " + spec.host());
                }
                try {
                    instance.loadCpuState(cpuState);
                } catch (VmException ex) {
                    abort();
                    throw ex;
                }
                ended = true;
                incoming.remove(spec.name(), this);
                Entry e = vms.get(spec.name());
                if (e == null) {
                    e = new Entry(spec);
                    vms.put(spec.name(), e);
                }
                e.spec = spec;
                e.instance = instance;
                e.outgoing = null;
                e.state = running ? VmState.RUNNING : VmState.SUSPENDED;
                instance.startCpus(running);
                long started = System.nanoTime();
                try {
                    store.save(spec);
                } catch (RuntimeException ex) {
                    LOG.error("VM {} runs on {} but its inventory file could not be updated: {}", spec.name(), spec.host(), ex.getMessage());
                }
                LOG.info("VM {} now runs on {}", spec.name(), spec.host());
                changed(e);
                return started;
            }
        }

        @Override
        public void expectPages(long[] missing, io.vstack.api.vm.PageFaultHandler handler) throws VmException {
            synchronized (VmManager.this) {
                if (ended) {
                    throw new VmException("VM " + spec.name() + " already started (or was aborted) on " + spec.host());
                }
                instance.ram().expectPages(missing, handler);
            }
        }

        @Override
        public boolean placePage(long pfn, ByteBuffer bytes) {
            return instance.ram().placePage(pfn, bytes);
        }

        @Override
        public long missingPages() {
            return instance.ram().missingPages();
        }

        @Override
        public long[] awaitedPages() {
            return instance.ram().awaitedPages();
        }

        @Override
        public long awaitGuestTickGap(Duration timeout) throws InterruptedException {
            return instance.awaitTickGap(timeout);
        }

        @Override
        public void abort() {
            synchronized (VmManager.this) {
                if (ended) {
                    return;
                }
                ended = true;
                incoming.remove(spec.name(), this);
                instance.destroy();
            }
        }
    }
}
