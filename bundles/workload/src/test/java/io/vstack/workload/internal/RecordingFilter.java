package io.vstack.workload.internal;

import io.vstack.api.filter.IoFilter;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import java.util.ArrayList;
import java.util.List;

/** Records each request's op and offset, then passes it on. */
final class RecordingFilter implements IoFilter {

    record Seen(IoOp op, long offset) {
    }

    final List<Seen> seen = new ArrayList<>();

    @Override
    public synchronized void submit(IoRequest request, IoChain next) throws IoException {
        seen.add(new Seen(request.op(), request.offset()));
        next.proceed(request);
    }

    synchronized List<Long> offsets(IoOp op) {
        return seen.stream().filter(s -> s.op() == op).map(Seen::offset).toList();
    }
}
