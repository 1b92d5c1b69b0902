package io.vstack.cache.internal.policy;

import io.vstack.api.cache.EvictionListener;
import io.vstack.api.cache.EvictionPolicy;
import io.vstack.api.cache.EvictionPolicyFactory;
import org.osgi.service.component.annotations.Component;

/** Makes {@link ArcPolicy} policies, named {@code arc}. */
@Component(service = EvictionPolicyFactory.class, property = EvictionPolicyFactory.NAME_PROPERTY + "=arc")
public final class ArcFactory implements EvictionPolicyFactory {

    @Override
    public String name() {
        return "arc";
    }

    @Override
    public String description() {
        return "ARC, Megiddo and Modha, FAST 2003 (baseline)";
    }

    @Override
    public EvictionPolicy create(int capacity, EvictionListener listener) {
        return new ArcPolicy(capacity, listener);
    }
}
