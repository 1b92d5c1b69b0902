package io.vstack.itest;

import io.vstack.api.filter.FilterFramework;
import io.vstack.api.hw.Host;
import java.util.Collection;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** The per-host filter framework services of the container, for tests that attach filters. */
final class Frameworks {

    private Frameworks() {
    }

    /** Waits for the filter framework of {@code host} and returns it. */
    static FilterFramework await(BundleContext context, String host) throws InterruptedException {
        Eventually.await("filter framework of " + host, () -> !references(context, host).isEmpty());
        return context.getService(references(context, host).iterator().next());
    }

    private static Collection<ServiceReference<FilterFramework>> references(BundleContext context, String host) {
        try {
            return context.getServiceReferences(FilterFramework.class, "(" + Host.NAME_PROPERTY + "=" + host + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("host name " + host + " makes a bad service filter", e);
        }
    }
}
