package io.vstack.cache.internal.block;

import io.vstack.api.UserText;
import io.vstack.api.cache.BlockCache;
import io.vstack.api.cache.EvictionPolicyFactory;
import io.vstack.api.hw.Host;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedServiceFactory;
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
 * The block caches made from configurations, by configuration PID. A configuration becomes a
 * cache when its host and its policy are present; it waits (logged) until then, and its cache
 * goes when either goes. A refused configuration (bad key, size at or below zero, beyond the
 * host's memory or its free frames, a second cache of the same name, another host for a running
 * cache) logs one error line and
 * changes nothing: a cache made earlier from that PID keeps running as it was. A configuration
 * change of size only resizes the cache in place (a shrink keeps reclaimable references).
 * <p>A {@link ManagedServiceFactory} of {@value CacheConfig#FACTORY_PID} rather than a DS factory
 * component, so that a bad configuration is refused with one clear log line before anything is
 * made. Each cache is registered as a {@link BlockCache} service with {@link Host#NAME_PROPERTY}
 * and {@link #CACHE_NAME_PROPERTY}.
 * <p>Serialized on this object; {@link #caches()} and {@link #cache} may be called from any thread.
 */
@Component(service = {BlockCaches.class, ManagedServiceFactory.class}, immediate = true,
        property = Constants.SERVICE_PID + "=" + CacheConfig.FACTORY_PID)
public final class BlockCaches implements ManagedServiceFactory {

    /** Service property holding a cache's name on its {@link BlockCache} service. */
    public static final String CACHE_NAME_PROPERTY = "vstack.cache.name";

    /** Makes a cache visible (registers its service) and returns what withdraws it. */
    @FunctionalInterface
    public interface Publisher {
        Runnable publish(FrameBlockCache cache);
    }

    /** The policies of this bundle: a configuration naming one waits for it rather than being refused. */
    static final java.util.Set<String> BUILT_IN_POLICIES = java.util.Set.of("two-phase", "lru", "arc", "2q", "s3fifo");
    private static final Logger LOG = LoggerFactory.getLogger(BlockCaches.class);

    private final Publisher publisher;
    private final Map<String, CacheConfig> configs = new HashMap<>();
    private final Map<String, Live> live = new HashMap<>();
    private final Map<String, Host> hosts = new HashMap<>();
    private final Map<String, EvictionPolicyFactory> policies = new HashMap<>();
    private volatile List<FrameBlockCache> snapshot = List.of();

    private record Live(FrameBlockCache cache, Runnable withdraw) {
    }

    /** Creates the set; caches come as configurations, hosts and policies arrive. */
    public BlockCaches(Publisher publisher) {
        this.publisher = publisher;
    }

    /** The component: registers each cache as a service of {@code context}. */
    @Activate
    public BlockCaches(BundleContext context) {
        this(cache -> {
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put(Host.NAME_PROPERTY, cache.host());
            properties.put(CACHE_NAME_PROPERTY, cache.name());
            ServiceRegistration<BlockCache> registration = context.registerService(BlockCache.class, cache, properties);
            return () -> {
                try {
                    registration.unregister();
                } catch (IllegalStateException alreadyGone) {
                    LOG.debug("cache {} was already unregistered", cache.name(), alreadyGone);
                }
            };
        });
    }

    @Override
    public String getName() {
        return "vstack block caches";
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        try {
            update(pid, properties);
        } catch (IllegalArgumentException refusedAndLogged) {
            LOG.debug("configuration {} refused", pid, refusedAndLogged);
        }
    }

    @Override
    public void deleted(String pid) {
        delete(pid);
    }

    @Deactivate
    void deactivate() {
        clear();
    }

    /** The caches now, by name. */
    public List<FrameBlockCache> caches() {
        return snapshot;
    }

    /** The cache named {@code name}. */
    public Optional<FrameBlockCache> cache(String name) {
        return snapshot.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The cache in the memory of host {@code host} (the first by name if it has several). */
    public Optional<FrameBlockCache> cacheOfHost(String host) {
        return snapshot.stream().filter(c -> c.host().equals(host)).findFirst();
    }

    /**
     * Applies a configuration.
     *
     * @throws IllegalArgumentException with the one-line reason if it is refused (also logged)
     */
    public synchronized void update(String pid, Dictionary<String, ?> properties) {
        CacheConfig config;
        try {
            config = CacheConfig.parse(pid, properties);
            for (Map.Entry<String, CacheConfig> other : configs.entrySet()) {
                if (!other.getKey().equals(pid) && other.getValue().name().equals(config.name())) {
                    throw new IllegalArgumentException("a cache named " + UserText.quote(config.name()) + " exists already");
                }
            }
            Live current = live.get(pid);
            CacheConfig previous = configs.get(pid);
            if (current != null && !previous.host().equals(config.host())) {
                throw new IllegalArgumentException("host: cache " + previous.name() + " runs on host " + previous.host()
                        + " and cannot move to " + config.host() + " (the caching filters of that host's disks use it); "
                        + "it stays on " + previous.host());
            }
            if (current != null && previous.name().equals(config.name()) && previous.host().equals(config.host())
                    && previous.policy().equals(config.policy())) {
                if (previous.size() != config.size()) {
                    current.cache().resize(config.blocks());
                    LOG.info("block cache {} resized to {} blocks", config.name(), config.blocks());
                }
                configs.put(pid, config);
                return;
            }
            Host host = hosts.get(config.host());
            if (host != null && (long) config.blocks() > host.memory().totalFrames()) {
                throw new IllegalArgumentException("size " + io.vstack.api.ByteSize.ofBytes(config.size())
                        + " is beyond the memory of host " + config.host() + " ("
                        + io.vstack.api.ByteSize.ofBytes(host.memory().totalFrames() * host.memory().frameSize()) + ")");
            }
            EvictionPolicyFactory policy = policies.get(config.policy());
            if (host != null && policy == null && !BUILT_IN_POLICIES.contains(config.policy())) {
                throw new IllegalArgumentException("policy '" + config.policy() + "' is unknown (known: "
                        + String.join(", ", known()) + ")");
            }
            withdraw(pid);
            configs.put(pid, config);
            try {
                realize(pid);
            } catch (IllegalArgumentException e) {
                // nothing changed: the previous configuration's cache comes back if it can
                if (previous != null) {
                    configs.put(pid, previous);
                    realizeAll();
                } else {
                    configs.remove(pid);
                }
                throw e;
            }
        } catch (IllegalArgumentException e) {
            LOG.error("block cache configuration {} refused: {}", pid, e.getMessage());
            throw e;
        }
    }

    /** Removes the cache of a configuration. */
    public synchronized void delete(String pid) {
        withdraw(pid);
        configs.remove(pid);
    }

    /** A host appeared: caches configured on it start. */
    @Reference(service = Host.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeHost")
    public synchronized void addHost(Host host) {
        hosts.put(host.name(), host);
        realizeAll();
    }

    /** A host went: its caches go (their configurations wait for it). */
    public synchronized void removeHost(Host host) {
        if (hosts.remove(host.name(), host)) {
            for (String pid : List.copyOf(live.keySet())) {
                if (live.get(pid).cache().host().equals(host.name())) {
                    withdraw(pid);
                }
            }
        }
    }

    /** A policy appeared: caches configured with it start. */
    @Reference(service = EvictionPolicyFactory.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removePolicy")
    public synchronized void addPolicy(EvictionPolicyFactory factory) {
        policies.put(factory.name(), factory);
        realizeAll();
    }

    /** A policy went: the caches using it go (their configurations wait for it). */
    public synchronized void removePolicy(EvictionPolicyFactory factory) {
        if (policies.remove(factory.name(), factory)) {
            for (String pid : List.copyOf(live.keySet())) {
                if (live.get(pid).cache().policy().equals(factory.name())) {
                    withdraw(pid);
                }
            }
        }
    }

    /** Closes every cache. */
    public synchronized void clear() {
        for (String pid : List.copyOf(live.keySet())) {
            withdraw(pid);
        }
        configs.clear();
    }

    private TreeSet<String> known() {
        TreeSet<String> names = new TreeSet<>(BUILT_IN_POLICIES);
        names.addAll(policies.keySet());
        return names;
    }

    private void realizeAll() {
        for (String pid : configs.keySet()) {
            if (!live.containsKey(pid)) {
                try {
                    realize(pid);
                } catch (IllegalArgumentException e) {
                    LOG.error("block cache configuration {} refused: {}", pid, e.getMessage());
                }
            }
        }
    }

    private void realize(String pid) {
        CacheConfig config = configs.get(pid);
        Host host = hosts.get(config.host());
        EvictionPolicyFactory policy = policies.get(config.policy());
        if (host == null || policy == null) {
            LOG.debug("block cache {} waits for {}", config.name(),
                    host == null ? "host " + config.host() : "eviction policy " + config.policy());
            return;
        }
        FrameBlockCache cache = new FrameBlockCache(config.name(), config.host(), host.memory(), policy, config.blocks());
        Runnable withdraw = publisher.publish(cache);
        live.put(pid, new Live(cache, withdraw));
        publishSnapshot();
        LOG.info("block cache {} on host {}: {} blocks of {} bytes, policy {}", config.name(), config.host(),
                config.blocks(), cache.blockSize(), policy.name());
    }

    private void withdraw(String pid) {
        Live gone = live.remove(pid);
        if (gone != null) {
            publishSnapshot();
            gone.withdraw().run();
            gone.cache().close();
        }
    }

    private void publishSnapshot() {
        Collection<Live> values = live.values();
        List<FrameBlockCache> list = new ArrayList<>();
        values.forEach(l -> list.add(l.cache()));
        list.sort(Comparator.comparing(FrameBlockCache::name));
        snapshot = List.copyOf(list);
    }
}
