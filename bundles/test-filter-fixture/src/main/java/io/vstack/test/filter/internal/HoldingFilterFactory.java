package io.vstack.test.filter.internal;

import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.osgi.service.component.annotations.Component;

/**
 * The test fixture filter {@code holder}: holds every request until the framework cancels it,
 * ignoring interrupts, as a filter that waits on something that never comes would. It lets go only
 * through {@link IoFilter#cancel}, and then fails the request. It takes no configuration.
 */
@Component(service = IoFilterFactory.class)
public final class HoldingFilterFactory implements IoFilterFactory {

    private static final FilterDescriptor DESCRIPTOR = new FilterDescriptor("holder", FilterClass.INSPECTION, 0,
            "test fixture: holds every request until the framework cancels it");

    @Override
    public FilterDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public IoFilter create(FilterContext context) {
        if (!context.config().isEmpty()) {
            throw new IllegalArgumentException("the holder filter takes no configuration");
        }
        return new Holder();
    }

    /** Holds each request on a latch of its own, released only by {@link #cancel}. */
    private static final class Holder implements IoFilter {
        private final Map<IoRequest, CountDownLatch> held = new ConcurrentHashMap<>();

        @Override
        public void submit(IoRequest request, IoChain next) throws IoException {
            CountDownLatch release = new CountDownLatch(1);
            held.put(request, release);
            try {
                boolean interrupted = false;
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        interrupted = true; // deliberately not a reason to let go: only cancel is
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            } finally {
                held.remove(request);
            }
            throw new IoException("holder filter: request on disk " + request.diskId() + " cancelled");
        }

        @Override
        public void cancel(IoRequest request) {
            CountDownLatch release = held.get(request);
            if (release != null) {
                release.countDown();
            }
        }
    }
}
