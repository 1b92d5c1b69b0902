package io.vstack.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.filter.FilterAttachment;
import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.io.FilterFailedException;
import io.vstack.api.io.InvalidIoException;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InMemoryDiskTest {

    @TempDir
    Path state;

    /** A factory of filters that record their name per request and pass it on. */
    private static IoFilterFactory recording(String name, FilterClass filterClass, int rank, List<String> seen) {
        return factory(new FilterDescriptor(name, filterClass, rank, "records"), context -> (request, next) -> {
            seen.add(name);
            next.proceed(request);
        });
    }

    private static IoFilterFactory factory(FilterDescriptor descriptor, Function<FilterContext, IoFilter> create) {
        return new IoFilterFactory() {
            @Override
            public FilterDescriptor descriptor() {
                return descriptor;
            }

            @Override
            public IoFilter create(FilterContext context) {
                return create.apply(context);
            }
        };
    }

    @Test
    void placesFactoryFiltersInChainOrderAndGivesThemTheDisksContext() throws Exception {
        List<String> seen = new ArrayList<>();
        AtomicReference<FilterContext> context = new AtomicReference<>();
        InMemoryDisk disk = new InMemoryDisk("d1", 64 * 1024, 4096)
                .withFilter(recording("cache", FilterClass.CACHE, 0, seen), Map.of(), state)
                .withFilter(recording("low", FilterClass.INSPECTION, 1, seen), Map.of(), state)
                .withFilter(factory(new FilterDescriptor("crypt", FilterClass.ENCRYPTION, 0, "records"), c -> {
                    context.set(c);
                    return (request, next) -> {
                        seen.add("crypt");
                        next.proceed(request);
                    };
                }), Map.of("onMissing", "fail", "key", "k"), state)
                .withFilter(recording("high", FilterClass.INSPECTION, 9, seen), Map.of(), state);
        try (DiskHandle handle = disk.open("test")) {
            handle.flush();
        }
        assertEquals(List.of("high", "low", "crypt", "cache"), seen);
        assertEquals(List.of("high", "low", "crypt", "cache"),
                disk.info().filters().stream().map(a -> a.descriptor().name()).toList());
        assertEquals(Map.of("key", "k"), context.get().config(), "the framework's onMissing is not the filter's");
        assertEquals(64 * 1024, context.get().capacity());
        assertEquals(4096, context.get().blockSize());
        assertEquals("d1", context.get().diskId());
        assertThrows(IllegalArgumentException.class,
                () -> disk.withFilter(recording("high", FilterClass.INSPECTION, 9, seen), Map.of(), state));
        assertThrows(IllegalArgumentException.class,
                () -> disk.withFilter(recording("other", FilterClass.INSPECTION, 9, seen), Map.of("onMissing", "skip"), state));
    }

    @Test
    void aThrowingFilterFailsOnlyThatRequestNamingTheFilter() throws Exception {
        InMemoryDisk disk = new InMemoryDisk("d1", 8192, 4096).withFilter("npe", (request, next) -> {
            if (request.op() == IoOp.READ) {
                throw new NullPointerException("bug");
            }
            next.proceed(request);
        });
        try (DiskHandle handle = disk.open("test")) {
            FilterFailedException e = assertThrows(FilterFailedException.class, () -> handle.read(0, ByteBuffer.allocate(4096)));
            assertEquals("npe", e.filter());
            assertInstanceOf(NullPointerException.class, e.getCause());
            handle.write(0, ByteBuffer.allocate(4096));
        }
    }

    @Test
    void aFilterThatChangesTheCallersWriteBufferBreaksTheContract() throws Exception {
        InMemoryDisk disk = new InMemoryDisk("d1", 8192, 4096).withFilter("in-place", (request, next) -> {
            ByteBuffer buffer = request.buffer();
            buffer.put(buffer.position(), (byte) (buffer.get(buffer.position()) ^ 1));
            next.proceed(request);
        });
        try (DiskHandle handle = disk.open("test")) {
            FilterFailedException e = assertThrows(FilterFailedException.class, () -> handle.write(0, ByteBuffer.allocate(4096)));
            assertEquals("in-place", e.filter());
            assertTrue(e.getMessage().contains("changed the bytes of a WRITE"), e.getMessage());
        }
    }

    @Test
    void aFilterThatMovesTheLimitBreaksTheContract() throws Exception {
        InMemoryDisk disk = new InMemoryDisk("d1", 8192, 4096).withFilter("short", (request, next) -> {
            next.proceed(request);
            request.buffer().limit(request.buffer().limit() - 1);
        });
        try (DiskHandle handle = disk.open("test")) {
            FilterFailedException e = assertThrows(FilterFailedException.class, () -> handle.read(0, ByteBuffer.allocate(4096)));
            assertTrue(e.getMessage().contains("moved the limit"), e.getMessage());
        }
    }

    @Test
    void aTransformingFilterWritesItsOwnBufferAndTransformsReadsInPlace() throws Exception {
        IoFilter invert = (request, next) -> {
            ByteBuffer buffer = request.buffer();
            if (request.op() == IoOp.WRITE) {
                ByteBuffer own = ByteBuffer.allocate(buffer.remaining());
                for (int i = buffer.position(); i < buffer.limit(); i++) {
                    own.put((byte) ~buffer.get(i));
                }
                next.proceed(IoRequest.of(IoOp.WRITE, request.diskId(), request.offset(), request.length(), own.flip(),
                        request.origin()));
            } else {
                int from = buffer.position();
                int to = buffer.limit();
                next.proceed(request);
                for (int i = from; i < to; i++) {
                    buffer.put(i, (byte) ~buffer.get(i));
                }
            }
        };
        InMemoryDisk disk = new InMemoryDisk("d1", 8192, 4096).withFilter("invert", invert);
        try (DiskHandle handle = disk.open("test")) {
            handle.write(4096, ByteBuffer.allocate(4096).put(0, (byte) 5));
            ByteBuffer in = ByteBuffer.allocate(4096);
            handle.read(4096, in);
            assertEquals(5, in.get(0));
        }
        assertEquals((byte) ~5, disk.backingStore().get(4096), "the store holds what the filter passed on");
    }

    @Test
    void detachClosesTheFilterAndLaterHandlesGoWithoutIt() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        List<String> seen = new ArrayList<>();
        IoFilter filter = new IoFilter() {
            @Override
            public void submit(IoRequest request, IoChain next) throws IoException {
                seen.add("f");
                next.proceed(request);
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        InMemoryDisk disk = new InMemoryDisk("d1", 8192, 4096).withFilter("f", filter);
        assertEquals(filter, disk.filter("f"));
        disk.detach("f");
        assertTrue(closed.get());
        try (DiskHandle handle = disk.open("test")) {
            handle.flush();
        }
        assertEquals(List.of(), seen);
        assertEquals(List.<FilterAttachment>of(), disk.info().filters());
        assertThrows(IllegalArgumentException.class, () -> disk.filter("f"));
    }

    @Test
    void storesBytesThroughFiltersInOrder() throws Exception {
        List<String> seen = new ArrayList<>();
        InMemoryDisk disk = new InMemoryDisk("d1", 64 * 1024, 4096)
                .withFilter("a", (request, next) -> {
                    seen.add("a:" + request.op());
                    next.proceed(request);
                })
                .withFilter("b", (request, next) -> {
                    seen.add("b:" + request.op());
                    next.proceed(request);
                });
        try (DiskHandle handle = disk.open("test")) {
            ByteBuffer out = ByteBuffer.allocate(4096);
            out.put(0, (byte) 42);
            handle.write(8192, out);
            assertEquals(4096, out.position());
            ByteBuffer in = ByteBuffer.allocate(4096);
            handle.read(8192, in);
            assertEquals(4096, in.position());
            assertEquals(42, in.get(0));
            handle.trim(8192, 4096);
            in.clear();
            handle.read(8192, in);
            assertEquals(0, in.get(0));
        }
        assertEquals(List.of("a:WRITE", "b:WRITE", "a:READ", "b:READ", "a:TRIM", "b:TRIM", "a:READ", "b:READ"), seen);
        assertEquals(2, disk.count(IoOp.READ));
        try (DiskHandle below = disk.openAt("test", "b")) {
            below.flush();
        }
        assertEquals("b:FLUSH", seen.get(seen.size() - 1));
    }

    @Test
    void refusesMisalignedOrOutOfRangeIoAndRemovedDisks() throws Exception {
        InMemoryDisk disk = new InMemoryDisk("d1", 8192, 4096);
        DiskHandle handle = disk.open("test");
        assertThrows(InvalidIoException.class, () -> handle.read(100, ByteBuffer.allocate(4096)));
        assertThrows(InvalidIoException.class, () -> handle.read(4096, ByteBuffer.allocate(8192)));
        disk.remove();
        assertThrows(DiskUnavailableException.class, () -> handle.read(0, ByteBuffer.allocate(4096)));
    }
}
