package io.vstack.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.RedirectLoopException;
import io.vstack.api.testing.InMemoryLinks.Hop;
import io.vstack.api.testing.InMemoryLinks.Trace;
import io.vstack.api.transport.Endpoint;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A filter that redirects requests to another framework instance's disk, tested on the testkit's in-memory links. */
class InMemoryLinksTest {

    private static final int BLOCK = 4096;
    private static final Endpoint A = new Endpoint("10.0.0.1", 7450);
    private static final Endpoint B = new Endpoint("10.0.0.2", 7450);

    @TempDir
    Path state;

    private final InMemoryLinks links = new InMemoryLinks();
    private final List<String> seen = new CopyOnWriteArrayList<>();

    private static IoFilterFactory factory(String name, FilterClass filterClass, Function<FilterContext, IoFilter> create) {
        return new IoFilterFactory() {
            @Override
            public FilterDescriptor descriptor() {
                return new FilterDescriptor(name, filterClass, 0, name);
            }

            @Override
            public IoFilter create(FilterContext context) {
                return create.apply(context);
            }
        };
    }

    /** Filter {@code link}: sends every request to {@code target}/{@code disk} at filter {@code at} (config keys). */
    private IoFilterFactory link() {
        return factory("link", FilterClass.REPLICATION, c -> {
            Endpoint target = Endpoint.parse(c.config().get("endpoint"));
            String disk = c.config().get("disk");
            String at = c.config().get("at");
            return (request, next) -> {
                seen.add(c.diskId() + ":link");
                c.linkedStorage().redirect(request, target, disk, at);
            };
        });
    }

    /** Filter {@code name}: records that it saw a request and passes it on. */
    private IoFilterFactory probe(String name, FilterClass filterClass) {
        return factory(name, filterClass, c -> (request, next) -> {
            seen.add(c.diskId() + ":" + name);
            next.proceed(request);
        });
    }

    private InMemoryDisk disk(String id) {
        return new InMemoryDisk(id, 64 * BLOCK, BLOCK);
    }

    private InMemoryDisk linking(String id, Endpoint target, String disk, String at) {
        Map<String, String> config = at == null ? Map.of("endpoint", target.toString(), "disk", disk)
                : Map.of("endpoint", target.toString(), "disk", disk, "at", at);
        return disk(id).withFilter(link(), config, state);
    }

    @Test
    void aRedirectedWriteLandsOnTheOtherInstancesDiskEnteringAtTheNamedFilterAndReadsBack() throws Exception {
        InMemoryDisk a = linking("a", B, "b", "cache");
        InMemoryDisk b = disk("b").withFilter(probe("top", FilterClass.ENCRYPTION), Map.of(), state)
                .withFilter(probe("cache", FilterClass.CACHE), Map.of(), state);
        links.serve(A, a).serve(B, b);
        ByteBuffer data = ByteBuffer.allocate(2 * BLOCK);
        for (int i = 0; i < data.capacity(); i++) {
            data.put(i, (byte) (i * 31));
        }
        ByteBuffer back = ByteBuffer.allocate(2 * BLOCK + 16).position(16);
        try (DiskHandle h = a.open("t")) {
            h.write(4 * BLOCK, data);
            h.read(4 * BLOCK, back);
        }
        assertEquals(0, a.count(IoOp.WRITE), "nothing is stored at a");
        assertEquals(1, b.count(IoOp.WRITE));
        assertEquals(data.rewind(), b.backingStore().slice(4 * BLOCK, 2 * BLOCK));
        assertEquals(data.rewind(), back.slice(16, 2 * BLOCK), "the read filled the caller's buffer from its position");
        assertEquals(List.of("a:link", "b:cache", "a:link", "b:cache"), seen, "the filter above cache at b saw nothing");
        List<Trace> traces = links.traces(A, "a");
        assertEquals(List.of(IoOp.WRITE, IoOp.READ), traces.stream().map(Trace::op).toList());
        Hop hop = traces.get(0).hops().get(0);
        assertEquals(List.of("10.0.0.1:7450/a", "10.0.0.2:7450/b", "cache"), List.of(hop.from(), hop.to(), hop.filter()));
        assertTrue(hop.nanos() > 0);
        assertNull(traces.get(0).error());
    }

    @Test
    void aRedirectBackToTheFirstDiskIsALoopNamingTheHops() throws Exception {
        InMemoryDisk a = linking("a", B, "b", null);
        InMemoryDisk b = linking("b", A, "a", null);
        links.serve(A, a).serve(B, b);
        try (DiskHandle h = a.open("t")) {
            RedirectLoopException e = assertThrows(RedirectLoopException.class, () -> h.write(0, ByteBuffer.allocate(BLOCK)));
            assertEquals("redirect loop: 10.0.0.1:7450/a -> 10.0.0.2:7450/b -> 10.0.0.1:7450/a visits 10.0.0.1:7450/a twice; "
                    + "the request failed", e.getMessage());
        }
        assertEquals(0, a.count(IoOp.WRITE) + b.count(IoOp.WRITE));
        Trace trace = links.traces(A, "a").get(0);
        assertTrue(trace.error().startsWith("redirect loop: "), trace.error());
        assertEquals("10.0.0.2:7450/b", trace.hops().get(0).to());
        assertEquals(List.of(), links.traces(B, "b"), "b refused before the request left");
    }

    @Test
    void moreThanEightHopsAreRefused() throws Exception {
        // d0 -> d1 -> ... -> d10, each on an instance of its own: the ninth redirect is one too many.
        int instances = 11;
        InMemoryDisk first = null;
        for (int i = 0; i < instances; i++) {
            Endpoint self = new Endpoint("10.0.1." + i, 7450);
            Endpoint next = new Endpoint("10.0.1." + (i + 1), 7450);
            InMemoryDisk disk = i == instances - 1 ? disk("d" + i) : linking("d" + i, next, "d" + (i + 1), null);
            links.serve(self, disk);
            first = first == null ? disk : first;
        }
        RedirectLoopException e;
        try (DiskHandle h = first.open("t")) {
            e = assertThrows(RedirectLoopException.class, () -> h.read(0, ByteBuffer.allocate(BLOCK)));
        }
        assertTrue(e.getMessage().startsWith("redirect refused: 10.0.1.0:7450/d0 -> 10.0.1.1:7450/d1 -> "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" would be 9 hops, more than 8; the request failed"), e.getMessage());
        assertEquals(8, links.traces(new Endpoint("10.0.1.0", 7450), "d0").get(0).hops().size(), "the hops it took before");
    }

    @Test
    void anUnreachableTargetAndAnUnservedDiskAreUnavailableAndTheTargetsErrorComesBackByMessage() throws Exception {
        InMemoryDisk unserved = linking("u", B, "b", null);
        try (DiskHandle h = unserved.open("t")) {
            DiskUnavailableException e = assertThrows(DiskUnavailableException.class, () -> h.read(0, ByteBuffer.allocate(BLOCK)));
            assertTrue(e.getMessage().contains("this process's transport is not serving"), e.getMessage());
        }
        InMemoryDisk a = linking("a", B, "b", null);
        links.serve(A, a);
        try (DiskHandle h = a.open("t")) {
            DiskUnavailableException e = assertThrows(DiskUnavailableException.class, () -> h.read(0, ByteBuffer.allocate(BLOCK)));
            assertEquals("disk a: redirect to 10.0.0.2:7450/b failed: no framework instance serves 10.0.0.2:7450", e.getMessage());
            links.serve(B, disk("other"));
            IoException gone = assertThrows(IoException.class, () -> h.read(0, ByteBuffer.allocate(BLOCK)));
            assertEquals("no disk named 'b' at the redirect's target", gone.getMessage());
            links.serve(B, disk("b"));
            h.read(0, ByteBuffer.allocate(BLOCK));
            links.stop(B);
            assertThrows(DiskUnavailableException.class, () -> h.read(0, ByteBuffer.allocate(BLOCK)));
        }
    }
}
