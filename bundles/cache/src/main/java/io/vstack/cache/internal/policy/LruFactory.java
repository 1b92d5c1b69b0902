package io.vstack.cache.internal.policy;

import io.vstack.api.cache.EvictionListener;
import io.vstack.api.cache.EvictionPolicy;
import io.vstack.api.cache.EvictionPolicyFactory;
import org.osgi.service.component.annotations.Component;

/** Makes {@link LruPolicy} policies, named {@code lru}. */
@Component(service = EvictionPolicyFactory.class, property = EvictionPolicyFactory.NAME_PROPERTY + "=lru")
public final class LruFactory implements EvictionPolicyFactory {

    @Override
    public String name() {
        return "lru";
    }

    @Override
    public String description() {
        return "Least recently used (baseline)";
    }

    @Override
    public EvictionPolicy create(int capacity, EvictionListener listener) {
        return new LruPolicy(capacity, listener);
    }
}
