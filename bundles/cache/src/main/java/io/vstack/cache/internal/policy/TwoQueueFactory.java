package io.vstack.cache.internal.policy;

import io.vstack.api.cache.EvictionListener;
import io.vstack.api.cache.EvictionPolicy;
import io.vstack.api.cache.EvictionPolicyFactory;
import org.osgi.service.component.annotations.Component;

/** Makes {@link TwoQueuePolicy} policies, named {@code 2q}. */
@Component(service = EvictionPolicyFactory.class, property = EvictionPolicyFactory.NAME_PROPERTY + "=2q")
public final class TwoQueueFactory implements EvictionPolicyFactory {

    @Override
    public String name() {
        return "2q";
    }

    @Override
    public String description() {
        return "2Q, Johnson and Shasha, VLDB 1994: Kin 25%, Kout 50% (baseline)";
    }

    @Override
    public EvictionPolicy create(int capacity, EvictionListener listener) {
        return new TwoQueuePolicy(capacity, listener);
    }
}
