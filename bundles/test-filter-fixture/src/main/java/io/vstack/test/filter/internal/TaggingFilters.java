package io.vstack.test.filter.internal;

import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.osgi.service.component.annotations.Component;

/**
 * The test fixture filters {@code tag-a} (inspection), {@code tag-b} (compression), {@code tag-c}
 * (encryption) and {@code tag-d} (cache): each leaves its name in the data of the requests it
 * sees, so the order in which requests pass the filters can be read back from the disk. On a
 * write, on the way down, a filter appends {@code <name>>} at the first zero byte of the data
 * (into a copy: the caller's buffer is not touched); on a read, on the way up, it appends
 * {@code <name><}. A block written through the whole chain and read back at {@code tag-c} reads
 * {@code tag-a>tag-b>tag-c>tag-d>tag-d<tag-c<}. They take no configuration.
 */
public final class TaggingFilters {

    private TaggingFilters() {
    }

    /** The filter of one tag. */
    abstract static class Tagging implements IoFilterFactory {
        private final FilterDescriptor descriptor;

        Tagging(String name, FilterClass filterClass) {
            this.descriptor = new FilterDescriptor(name, filterClass, 0,
                    "test fixture: appends its name to the data of each request it sees");
        }

        @Override
        public FilterDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public IoFilter create(FilterContext context) {
            if (!context.config().isEmpty()) {
                throw new IllegalArgumentException("the " + descriptor.name() + " filter takes no configuration");
            }
            byte[] down = (descriptor.name() + ">").getBytes(StandardCharsets.US_ASCII);
            byte[] up = (descriptor.name() + "<").getBytes(StandardCharsets.US_ASCII);
            return (request, next) -> {
                ByteBuffer buffer = request.buffer();
                if (request.op() == IoOp.WRITE) {
                    ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
                    copy.put(buffer.duplicate()).flip();
                    append(copy, 0, copy.limit(), down);
                    next.proceed(IoRequest.of(IoOp.WRITE, request.diskId(), request.offset(), request.length(), copy,
                            request.origin()));
                } else if (request.op() == IoOp.READ) {
                    int start = buffer.position();
                    int end = buffer.limit();
                    next.proceed(request);
                    append(buffer, start, end, up);
                } else {
                    next.proceed(request);
                }
            };
        }

        /** Puts {@code tag} at the first zero byte in [start, end), if it fits. */
        private static void append(ByteBuffer buffer, int start, int end, byte[] tag) {
            int at = start;
            while (at < end && buffer.get(at) != 0) {
                at++;
            }
            if (end - at >= tag.length) {
                buffer.put(at, tag);
            }
        }
    }

    /** {@code tag-a}, an inspection filter. */
    @Component(service = IoFilterFactory.class)
    public static final class A extends Tagging {
        public A() {
            super("tag-a", FilterClass.INSPECTION);
        }
    }

    /** {@code tag-b}, a compression filter. */
    @Component(service = IoFilterFactory.class)
    public static final class B extends Tagging {
        public B() {
            super("tag-b", FilterClass.COMPRESSION);
        }
    }

    /** {@code tag-c}, an encryption filter. */
    @Component(service = IoFilterFactory.class)
    public static final class C extends Tagging {
        public C() {
            super("tag-c", FilterClass.ENCRYPTION);
        }
    }

    /** {@code tag-d}, a cache filter. */
    @Component(service = IoFilterFactory.class)
    public static final class D extends Tagging {
        public D() {
            super("tag-d", FilterClass.CACHE);
        }
    }
}
