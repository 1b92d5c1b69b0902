package io.vstack.cache.internal.policy;

import io.vstack.api.cache.EvictionListener;
import io.vstack.api.cache.EvictionPolicy;
import io.vstack.api.cache.EvictionPolicyFactory;
import org.osgi.service.component.annotations.Component;

/** Makes {@link S3FifoPolicy} policies, named {@code s3fifo}. */
@Component(service = EvictionPolicyFactory.class, property = EvictionPolicyFactory.NAME_PROPERTY + "=s3fifo")
public final class S3FifoFactory implements EvictionPolicyFactory {

    @Override
    public String name() {
        return "s3fifo";
    }

    @Override
    public String description() {
        return "S3-FIFO, Yang et al., SOSP 2023: small 10%, ghost as large as main (baseline)";
    }

    @Override
    public EvictionPolicy create(int capacity, EvictionListener listener) {
        return new S3FifoPolicy(capacity, listener);
    }
}
