package io.vstack.cache.internal.filter;

import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.cache.internal.block.BlockCaches;
import io.vstack.cache.internal.block.FrameBlockCache;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code cache} filter: class CACHE, rank {@value #RANK}. Attach configuration:
 * {@code mode=write-through|write-around} (default write-through) and optionally
 * {@code cache=<name>}; without it the filter uses the block cache of the host whose filter
 * framework runs it. The cache must live on that host.
 */
@Component(service = IoFilterFactory.class)
public final class CacheFilterFactory implements IoFilterFactory {

    /** The filter's name. */
    public static final String NAME = "cache";
    /** Its rank within CACHE. */
    public static final int RANK = 100;

    private static final FilterDescriptor DESCRIPTOR = new FilterDescriptor(NAME, FilterClass.CACHE, RANK,
            "reads from the host's block cache, shared by linked clones; mode=write-through|write-around, cache=<name>");
    private static final Set<String> KEYS = Set.of("mode", "cache");

    private final BlockCaches caches;

    /** Creates the factory over the host block caches. */
    @Activate
    public CacheFilterFactory(@Reference BlockCaches caches) {
        this.caches = caches;
    }

    @Override
    public FilterDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public IoFilter create(FilterContext context) {
        Map<String, String> config = context.config();
        Set<String> unknown = new TreeSet<>(config.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(NAME + ": unknown config key" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + "; known keys: cache, mode");
        }
        String modeText = config.getOrDefault("mode", CacheFilter.Mode.WRITE_THROUGH.text);
        CacheFilter.Mode mode = null;
        for (CacheFilter.Mode m : CacheFilter.Mode.values()) {
            if (m.text.equals(modeText)) {
                mode = m;
            }
        }
        if (mode == null) {
            throw new IllegalArgumentException(NAME + ": mode '" + modeText + "' is unknown; use write-through or write-around");
        }
        String name = config.get("cache");
        FrameBlockCache cache;
        if (name != null) {
            cache = caches.cache(name).orElseThrow(() -> new IllegalArgumentException(NAME + ": no block cache named '"
                    + name + "' (see cache:list)"));
            if (!cache.host().equals(context.host())) {
                throw new IllegalArgumentException(NAME + ": cache '" + name + "' is on host " + cache.host()
                        + ", but disk " + context.diskId() + " is on host " + context.host());
            }
        } else {
            cache = caches.cacheOfHost(context.host()).orElseThrow(() -> new IllegalArgumentException(NAME
                    + ": host " + context.host() + " has no block cache; configure etc/io.vstack.cache.block-"
                    + context.host() + ".cfg"));
        }
        return new CacheFilter(cache, context.chain(), mode);
    }
}
