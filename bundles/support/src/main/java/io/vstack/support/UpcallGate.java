package io.vstack.support;

import io.vstack.api.Durations;
import io.vstack.api.filter.Upcall;
import io.vstack.api.filter.UpcallGateway;
import io.vstack.api.io.IoRequest;
import io.vstack.api.io.UpcallFailedException;
import io.vstack.api.io.UpcallTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link UpcallGateway} of one filter on one disk, as the filter framework (bundle
 * {@code disks}) runs it and the testkit's in-memory disk does: a bounded executor of its own (threads
 * {@code vstack-upcall-<disk>-<filter>-<n>}, started on demand, ended after 10 s idle; a bounded
 * queue), the I/O thread's timed wait, and the abort that fails every pending upcall at once.
 * <p>Deadlines: the I/O thread waits for the result at most {@link UpcallSettings#timeout()}
 * (a timed park, exact to the scheduler's wake-up); {@code upcallTimeout} is at most
 * {@code filterTimeout}, so the disk manager's watchdog remains the backstop for a thread held
 * anywhere else in the filter: its interrupt ends the wait here, and the request fails with the
 * watchdog's {@link io.vstack.api.io.FilterTimeoutException}.
 */
public final class UpcallGate implements UpcallGateway {

    private static final Logger LOG = LoggerFactory.getLogger(UpcallGate.class);
    private static final long KEEP_ALIVE_SECONDS = 10;

    private final String diskId;
    private final String filter;
    private final UpcallSettings settings;
    private final long timeoutNanos;
    private final ThreadPoolExecutor executor;
    /** Upcalls whose I/O thread waits: what an abort fails at once. */
    private final Set<FutureTask<?>> pending = ConcurrentHashMap.newKeySet();
    private volatile String abortReason;
    private final LongAdder calls = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final AtomicBoolean timeoutLogged = new AtomicBoolean();
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    /** A gateway for filter {@code filter} on disk {@code diskId}; its threads start on demand. */
    public UpcallGate(String diskId, String filter, UpcallSettings settings) {
        this.diskId = diskId;
        this.filter = filter;
        this.settings = settings;
        this.timeoutNanos = settings.timeout().toNanos();
        AtomicInteger threadNumber = new AtomicInteger();
        String prefix = "vstack-upcall-" + diskId + "-" + filter + "-";
        this.executor = new ThreadPoolExecutor(settings.threads(), settings.threads(), KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(settings.queue()), r -> {
                    Thread thread = new Thread(r, prefix + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Whether a failed upcall lets the request pass on below the filter. */
    public boolean bypass() {
        return settings.bypass();
    }

    @Override
    public Duration timeout() {
        return settings.timeout();
    }

    @Override
    public <T> T call(IoRequest request, Upcall<T> function) throws UpcallFailedException {
        Objects.requireNonNull(function, "function");
        calls.increment();
        String aborted = abortReason;
        if (aborted != null) {
            throw aborted(request, aborted);
        }
        FutureTask<T> task = new FutureTask<>(function::call);
        pending.add(task);
        try {
            aborted = abortReason; // read after the add: an abort either sees the task or is seen here
            if (aborted != null) {
                throw aborted(request, aborted);
            }
            try {
                executor.execute(task);
            } catch (RejectedExecutionException e) {
                aborted = abortReason;
                if (aborted != null) {
                    throw aborted(request, aborted);
                }
                failures.increment();
                throw new UpcallFailedException(filter, "disk " + diskId + ": filter " + filter + "'s upcall queue is full ("
                        + settings.queue() + " waiting, upcallQueue); the " + what(request) + " failed", null);
            }
            return task.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            executor.remove(task);
            timeouts.increment();
            String message = "disk " + diskId + ": filter " + filter + "'s upcall gave no result within upcallTimeout "
                    + Durations.format(settings.timeout()) + "; the " + what(request) + (settings.bypass()
                    ? " bypasses the filter (onUpcallFailure=bypass)" : " failed");
            if (timeoutLogged.compareAndSet(false, true)) {
                LOG.warn("{} (its thread was interrupted; logged once, filter:list shows the last)", message);
            }
            throw new UpcallTimeoutException(filter, message);
        } catch (ExecutionException e) {
            failures.increment();
            Throwable cause = e.getCause();
            String message = "disk " + diskId + ": filter " + filter + "'s upcall failed: " + describe(cause);
            if (failureLogged.compareAndSet(false, true)) {
                LOG.warn("{} (logged once, filter:list shows the last)", message, cause);
            }
            throw new UpcallFailedException(filter, message, cause);
        } catch (CancellationException e) {
            String reason = abortReason;
            throw aborted(request, reason != null ? reason : "it was cancelled");
        } catch (InterruptedException e) {
            task.cancel(true);
            executor.remove(task);
            Thread.currentThread().interrupt();
            throw new UpcallFailedException(filter, "disk " + diskId + ": interrupted while the " + what(request)
                    + " waited for filter " + filter + "'s upcall", e);
        } finally {
            pending.remove(task);
        }
    }

    private UpcallFailedException aborted(IoRequest request, String reason) {
        failures.increment();
        return new UpcallFailedException(filter, "disk " + diskId + ": filter " + filter + "'s upcalls are aborted (" + reason
                + "); the " + what(request) + " failed", null);
    }

    /** A failure as one line: the exception and where it was thrown. */
    private static String describe(Throwable e) {
        StackTraceElement[] trace = e.getStackTrace();
        return trace.length == 0 ? e.toString() : e + " at " + trace[0];
    }

    private static String what(IoRequest request) {
        return request == null ? "request" : request.op() + " at offset " + request.offset();
    }

    /**
     * Fails every pending upcall at once (their I/O threads wake with an
     * {@link UpcallFailedException} naming {@code reason}), interrupts the upcall threads and
     * refuses later upcalls. Idempotent; the first reason stays.
     *
     * @return the upcalls that were pending
     */
    public int abort(String reason) {
        synchronized (this) {
            if (abortReason == null) {
                abortReason = reason;
            }
        }
        int count = 0;
        for (FutureTask<?> task : pending) {
            if (task.cancel(true)) {
                count++;
            }
        }
        executor.shutdownNow();
        if (count > 0) {
            LOG.info("disk {}: {} pending upcall(s) of filter {} failed at once: {}", diskId, count, filter, reason);
        }
        return count;
    }

    /** Upcalls whose I/O thread waits now. */
    public int pending() {
        return pending.size();
    }

    /** Upcall threads alive now (they end when idle, and after an abort once the user function returns). */
    public int threads() {
        return executor.getPoolSize();
    }

    /** Upcalls run, timed out, failed (threw, queue full, aborted). */
    public long calls() {
        return calls.sum();
    }

    /** Upcalls that gave no result by the deadline. */
    public long timeouts() {
        return timeouts.sum();
    }

    /** Upcalls that threw, found the queue full or were aborted. */
    public long failures() {
        return failures.sum();
    }
}
