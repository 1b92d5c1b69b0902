package io.vstack.test.filter.internal;

import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.transport.Endpoint;
import org.osgi.service.component.annotations.Component;

/**
 * The test fixture filter {@code link}: redirects every request (linked storage,
 * {@link FilterContext#linkedStorage()}) to {@code to=<host:port>/<disk>}, entering that disk's
 * chain at filter {@code at} if given, at the top otherwise.
 */
@Component(service = IoFilterFactory.class)
public final class LinkFilterFactory implements IoFilterFactory {

    private static final FilterDescriptor DESCRIPTOR = new FilterDescriptor("link", FilterClass.INSPECTION, 100,
            "test fixture: redirects every request to to=<host:port>/<disk> [at=<filter>]");

    @Override
    public FilterDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public IoFilter create(FilterContext context) {
        for (String key : context.config().keySet()) {
            if (!key.equals("to") && !key.equals("at")) {
                throw new IllegalArgumentException("unknown key " + key + ": the link filter takes to=<host:port>/<disk> [at=<filter>]");
            }
        }
        String to = context.config().get("to");
        int slash = to == null ? -1 : to.lastIndexOf('/');
        if (slash <= 0 || slash == to.length() - 1) {
            throw new IllegalArgumentException("to must be <host:port>/<disk>, not " + to);
        }
        Endpoint target = Endpoint.parse(to.substring(0, slash));
        String disk = to.substring(slash + 1);
        String at = context.config().get("at");
        return (request, next) -> context.linkedStorage().redirect(request, target, disk, at);
    }
}
