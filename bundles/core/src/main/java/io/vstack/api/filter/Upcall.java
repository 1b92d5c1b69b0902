package io.vstack.api.filter;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A filter's user function: work a filter hands to its {@link UpcallGateway} to run off the I/O
 * path (a policy lookup, a call to a daemon, anything that may block or fail in ways the I/O
 * path must not). It runs on one of the filter's upcall threads and may block; it should end
 * when its thread is interrupted (the gateway interrupts it at the deadline and when the
 * filter's bundle goes away).
 *
 * @param <T> the result
 */
@ConsumerType
@FunctionalInterface
public interface Upcall<T> {

    /** Computes the result; anything it throws fails the upcall with an {@link io.vstack.api.io.UpcallFailedException}. */
    T call() throws Exception;
}
