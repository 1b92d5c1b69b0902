package ${package};

import io.vstack.api.filter.IoFilter;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoRequest;
import java.util.concurrent.atomic.LongAdder;

/**
 * One disk's {@code ${filterName}} filter: counts the request if its operation is configured, and
 * passes it on unchanged.
 * <p>Called concurrently on the issuing threads; allocates nothing and never blocks. It neither
 * reads nor keeps the request's buffer (see the data contract in {@link IoFilter}'s javadoc).
 */
final class PassThroughFilter implements IoFilter {

    private final boolean[] counted;
    private final LongAdder[] counts;

    /**
     * @param config the validated configuration
     * @param counts the factory's counters, by operation ordinal
     */
    PassThroughFilter(PassThroughConfig config, LongAdder[] counts) {
        this.counts = counts;
        this.counted = new boolean[counts.length];
        config.ops().forEach(op -> counted[op.ordinal()] = true);
    }

    @Override
    public void submit(IoRequest request, IoChain next) throws IoException {
        int op = request.op().ordinal();
        if (counted[op]) {
            counts[op].increment();
        }
        next.proceed(request);
    }
}
