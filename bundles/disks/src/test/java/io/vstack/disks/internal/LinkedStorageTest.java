package io.vstack.disks.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.filter.FilterClass;
import io.vstack.api.io.RedirectLoopException;
import io.vstack.api.storage.BackendType;
import io.vstack.api.transport.Endpoint;
import io.vstack.api.transport.ProtocolHandler;
import io.vstack.disks.internal.command.DiskTraceCommands;
import io.vstack.disks.internal.TestSupport.Factory;
import io.vstack.disks.internal.TestSupport.FakeHost;
import io.vstack.disks.internal.TestSupport.MemoryBackend;
import io.vstack.disks.internal.TestSupport.Recording;
import io.vstack.transport.internal.LoopbackTransports;
import io.vstack.transport.internal.TransportService;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linked storage over the real transport (two TCP endpoints on loopback, each with its own disk
 * manager and filter framework, as two distribution processes): a request redirected from A to
 * a filter of B's disk lands there with its data; a loop and more than 8 hops fail by name;
 * each disk keeps the hops of its recent redirected requests with their latency.
 */
class LinkedStorageTest {

    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<String> traceB = new CopyOnWriteArrayList<>();
    private Side a;
    private Side b;

    /** One framework instance: a disk manager whose linked storage is served on a transport endpoint of its own. */
    private final class Side {
        final DiskService disks;
        final TransportService transport;
        final Endpoint endpoint;

        Side(String name) {
            disks = new DiskService(dir.resolve(name), Duration.ofSeconds(5), source -> () -> { });
            disks.backendAdded("local", new MemoryBackend(1));
            disks.hostAdded(new FakeHost("esx1"));
            transport = LoopbackTransports.start();
            transport.addHandler(Links.PROTOCOL, (ProtocolHandler) disks.links());
            disks.links().transport(transport);
            endpoint = transport.localEndpoint().orElseThrow();
            disks.factoryAdded(linkFactory());
            disks.factoryAdded(new Factory("mark", FilterClass.CACHE, 0, c -> new Recording("mark@" + c.diskId(), traceB)));
            closeables.add(transport);
            closeables.add(disks::close);
        }

        void disk(String id) throws Exception {
            disks.create(DiskSpec.of(id, 1 << 20, BackendType.LOCAL, "esx1"));
        }

        /** Attaches the link filter to {@code id}: its requests go to {@code to}'s disk {@code target} at {@code filter}. */
        void link(String id, Side to, String target, String filter) {
            disks.attach(id, "link", filter == null ? Map.of("to", to.endpoint + "/" + target)
                    : Map.of("to", to.endpoint + "/" + target, "at", filter));
        }

        DiskHandle open(String id) throws Exception {
            return disks.disk(id).orElseThrow().open("test");
        }
    }

    /** A filter that redirects every request to {@code to=host:port/disk}, at filter {@code at} if given. */
    private static Factory linkFactory() {
        return new Factory("link", FilterClass.INSPECTION, 0, c -> {
            String to = c.config().get("to");
            int slash = to.lastIndexOf('/');
            Endpoint target = Endpoint.parse(to.substring(0, slash));
            String disk = to.substring(slash + 1);
            String at = c.config().get("at");
            return (request, next) -> c.linkedStorage().redirect(request, target, disk, at);
        });
    }

    @BeforeEach
    void sides() {
        a = new Side("a");
        b = new Side("b");
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private static ByteBuffer pattern(int seed) {
        ByteBuffer buffer = ByteBuffer.allocate(BLOCK);
        for (int i = 0; i < BLOCK; i += 4) {
            buffer.putInt(i, seed * 31 + i);
        }
        return buffer;
    }

    @Test
    void aRequestRedirectedFromAToAFilterOfBsDiskLandsThereWithItsData() throws Exception {
        a.disk("va");
        b.disk("vb");
        b.disks.attach("vb", "mark", Map.of());
        a.link("va", b, "vb", "mark");
        try (DiskHandle h = a.open("va")) {
            for (int block = 0; block < 16; block++) {
                h.write((long) block * BLOCK, pattern(block));
            }
            h.flush();
            for (int block = 0; block < 16; block++) {
                ByteBuffer back = ByteBuffer.allocate(BLOCK);
                h.read((long) block * BLOCK, back);
                assertEquals(pattern(block), back.flip(), "block " + block + " through A");
            }
        }
        try (DiskHandle direct = b.open("vb")) {
            for (int block = 0; block < 16; block++) {
                ByteBuffer back = ByteBuffer.allocate(BLOCK);
                direct.read((long) block * BLOCK, back);
                assertEquals(pattern(block), back.flip(), "block " + block + " stored on B");
            }
        }
        assertEquals(16 + 1 + 16 + 16, traceB.size(), "B's filter saw the 33 redirected requests and B's own 16 reads");
        List<DiskAdmin.LinkTrace> traces = a.disks.linkTraces("va");
        assertEquals(33, traces.size());
        DiskAdmin.LinkTrace last = traces.get(traces.size() - 1);
        assertEquals(null, last.error());
        assertEquals(1, last.hops().size());
        DiskAdmin.LinkHop hop = last.hops().get(0);
        assertEquals(a.endpoint + "/va", hop.from());
        assertEquals(b.endpoint + "/vb", hop.to());
        assertEquals("mark", hop.filter());
        assertTrue(hop.nanos() > 0);

        String out = DiskTraceCommands.run(a.disks, "va");
        assertTrue(out.lines().anyMatch(l -> l.trim().matches("33\\s+read\\s+61440\\s+1\\s+" + java.util.regex.Pattern.quote(a.endpoint + "/va")
                + "\\s+" + java.util.regex.Pattern.quote(b.endpoint + "/vb") + "\\s+mark\\s+[0-9.]+\\s+ok")), out);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DiskTraceCommands.run(a.disks, "nope"));
        assertEquals("no disk named 'nope'; disk:list shows the disks", e.getMessage());
    }

    @Test
    void aRedirectFromAToBAndBackToAIsRefusedAsALoop() throws Exception {
        a.disk("va");
        b.disk("vb");
        a.link("va", b, "vb", null);
        b.link("vb", a, "va", null);
        try (DiskHandle h = a.open("va")) {
            RedirectLoopException e = assertThrows(RedirectLoopException.class, () -> h.write(0, pattern(1)));
            assertEquals("redirect loop: " + a.endpoint + "/va -> " + b.endpoint + "/vb -> " + a.endpoint
                    + "/va visits " + a.endpoint + "/va twice; the request failed", e.getMessage());
        }
        List<DiskAdmin.LinkTrace> traces = a.disks.linkTraces("va");
        assertEquals(1, traces.size());
        assertTrue(traces.get(0).error().startsWith("redirect loop"), traces.get(0).error());
    }

    @Test
    void eightHopsGoThroughAndANinthIsRefusedByName() throws Exception {
        // c0 (A) -> c1 (B) -> c2 (A) -> ... : each hop crosses between the two instances.
        int disks = 10;
        for (int i = 0; i < disks; i++) {
            side(i).disk("c" + i);
        }
        for (int i = 0; i < disks - 1; i++) {
            side(i).link("c" + i, side(i + 1), "c" + (i + 1), null);
        }
        // From c1 the chain has 8 hops to c9: it goes through and the data lands on c9.
        try (DiskHandle h = b.open("c1")) {
            h.write(0, pattern(7));
        }
        try (DiskHandle h = b.open("c9")) {
            ByteBuffer back = ByteBuffer.allocate(BLOCK);
            h.read(0, back);
            assertEquals(pattern(7), back.flip());
        }
        assertEquals(8, b.disks.linkTraces("c1").get(0).hops().size(), "the hops below are reported back to the first disk");
        // From c0 it would take 9.
        try (DiskHandle h = a.open("c0")) {
            RedirectLoopException e = assertThrows(RedirectLoopException.class, () -> h.write(0, pattern(8)));
            assertTrue(e.getMessage().startsWith("redirect refused: ") && e.getMessage().endsWith(
                    " would be 9 hops, more than 8; the request failed"), e.getMessage());
        }
    }

    private Side side(int i) {
        return i % 2 == 0 ? a : b;
    }
}
