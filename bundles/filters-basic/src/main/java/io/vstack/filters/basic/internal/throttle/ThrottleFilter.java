package io.vstack.filters.basic.internal.throttle;

import io.vstack.api.filter.IoFilter;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;

/**
 * Limits one disk's reads and writes to an IOPS and/or a bandwidth rate. <b>Blocking</b>: a
 * request over the rate waits on the caller's thread (parked, not spinning) until its slot in
 * the token buckets comes; waiters are served in the order they arrived. Flushes and trims pass
 * unthrottled. An interrupted wait fails the request (the I/O is not issued) with an
 * {@link IoException} and leaves the thread's interrupt status set.
 */
public final class ThrottleFilter implements IoFilter {

    private final String diskId;
    private final Pacer pacer;
    private final TokenBucket iops;
    private final TokenBucket bandwidth;

    /** A throttle for disk {@code diskId} with {@code config}, waiting on {@code pacer}. */
    public ThrottleFilter(String diskId, ThrottleConfig config, Pacer pacer) {
        this.diskId = diskId;
        this.pacer = pacer;
        long now = pacer.nanoTime();
        long burst = config.burst().toNanos();
        this.iops = config.iops() > 0 ? new TokenBucket(config.iops(), burst, now) : null;
        this.bandwidth = config.bandwidth() > 0 ? new TokenBucket(config.bandwidth(), burst, now) : null;
    }

    @Override
    public void submit(IoRequest request, IoChain next) throws IoException {
        IoOp op = request.op();
        if (op == IoOp.READ || op == IoOp.WRITE) {
            long now = pacer.nanoTime();
            long start = now;
            if (iops != null) {
                start = iops.reserve(1, now);
            }
            if (bandwidth != null) {
                start = Math.max(start, bandwidth.reserve(request.length(), now));
            }
            if (start > now) {
                try {
                    pacer.awaitUntil(start);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IoException("disk " + diskId + ": interrupted while the throttle held a " + op + " at offset "
                            + request.offset(), e);
                }
            }
        }
        next.proceed(request);
    }
}
