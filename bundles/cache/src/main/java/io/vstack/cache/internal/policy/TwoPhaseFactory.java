package io.vstack.cache.internal.policy;

import io.vstack.api.cache.EvictionListener;
import io.vstack.api.cache.EvictionPolicy;
import io.vstack.api.cache.EvictionPolicyFactory;
import org.osgi.service.component.annotations.Component;

/** Makes {@link TwoPhasePolicy} policies, named {@code two-phase}. */
@Component(service = EvictionPolicyFactory.class, property = EvictionPolicyFactory.NAME_PROPERTY + "=two-phase")
public final class TwoPhaseFactory implements EvictionPolicyFactory {

    @Override
    public String name() {
        return "two-phase";
    }

    @Override
    public String description() {
        return "Two-phase eviction (US 11,080,189): cold CLOCK queue, ghost, hot CLOCK queues (probation, protected) armed before eviction; frequency-sketch admission to hot, cold sized by ghost hits; lock-free hits, concurrent admits";
    }

    @Override
    public EvictionPolicy create(int capacity, EvictionListener listener) {
        return new TwoPhasePolicy(capacity, listener);
    }
}
