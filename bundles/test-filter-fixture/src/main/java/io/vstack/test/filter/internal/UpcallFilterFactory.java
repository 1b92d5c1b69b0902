package io.vstack.test.filter.internal;

import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.filter.Upcall;
import java.util.concurrent.CountDownLatch;
import org.osgi.service.component.annotations.Component;

/**
 * The test fixture filter {@code upcall}: runs a user function as an upcall
 * ({@link FilterContext#upcalls()}) for every request before passing it on. Config
 * {@code function=ok} (default: the function returns at once), {@code hang} (it waits for ever,
 * until its thread is interrupted, as a user daemon that never answers) or {@code throw} (it throws).
 */
@Component(service = IoFilterFactory.class)
public final class UpcallFilterFactory implements IoFilterFactory {

    private static final FilterDescriptor DESCRIPTOR = new FilterDescriptor("upcall", FilterClass.INSPECTION, 50,
            "test fixture: runs an upcall (ok, hang or throw) for every request");

    /** What a hung function waits for: never released, so only an interrupt ends the wait. */
    private final CountDownLatch never = new CountDownLatch(1);

    @Override
    public FilterDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public IoFilter create(FilterContext context) {
        for (String key : context.config().keySet()) {
            if (!key.equals("function")) {
                throw new IllegalArgumentException("unknown key " + key + ": the upcall filter takes function=ok|hang|throw");
            }
        }
        String function = context.config().getOrDefault("function", "ok");
        Upcall<Object> upcall = switch (function) {
            case "ok" -> () -> Boolean.TRUE;
            case "hang" -> () -> {
                never.await();
                return Boolean.TRUE;
            };
            case "throw" -> () -> {
                throw new IllegalStateException("the user function refused the request");
            };
            default -> throw new IllegalArgumentException("function must be ok, hang or throw, not " + function);
        };
        return (request, next) -> {
            context.upcalls().call(request, upcall);
            next.proceed(request);
        };
    }
}
