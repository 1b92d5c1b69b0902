package io.vstack.api.cache;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Makes eviction policies of one kind (two-phase, LRU, ARC...). Register it as a service with
 * {@link #NAME_PROPERTY}; caches and trace simulations find policies by name.
 * <p>Thread-safe.
 */
@ConsumerType
public interface EvictionPolicyFactory {

    /** Service property holding the policy name. */
    String NAME_PROPERTY = "vstack.cache.policy";

    /** The policy's name, as users type it: {@code two-phase}, {@code lru}... */
    String name();

    /** One line for listings. */
    String description();

    /**
     * Creates an empty policy.
     *
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    EvictionPolicy create(int capacity, EvictionListener listener);
}
