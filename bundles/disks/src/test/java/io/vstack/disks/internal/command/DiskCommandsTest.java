package io.vstack.disks.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.disk.DiskException;
import io.vstack.api.filter.FilterClass;
import io.vstack.disks.internal.DiskService;
import io.vstack.disks.internal.TestSupport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the disk: and filter: commands as plain objects against a real DiskService over an in-memory backend. */
class DiskCommandsTest {

    @TempDir
    Path dir;

    private DiskService service;

    @BeforeEach
    void setUp() {
        service = new DiskService(dir, Duration.ofSeconds(30), disk -> () -> { });
        service.backendAdded("local", new TestSupport.MemoryBackend(1));
        service.hostAdded(new TestSupport.FakeHost("esx1"));
        service.hostAdded(new TestSupport.FakeHost("esx2"));
        service.factoryAdded(new TestSupport.Factory("stats", FilterClass.INSPECTION, 3,
                c -> new TestSupport.Recording("stats", null)));
    }

    @AfterEach
    void tearDown() {
        service.close();
    }

    private interface Body {
        void run() throws Exception;
    }

    private static String capture(Body body) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private DiskCreateCommand create(String name, String size, String host) {
        DiskCreateCommand c = new DiskCreateCommand();
        c.disks = service;
        c.name = name;
        c.size = size;
        c.host = host;
        return c;
    }

    @Test
    void createListAttachAndDeleteFromTheShell() throws Exception {
        assertEquals("Created disk d1: 8M, block size 4096, backend local, owner esx1\n", capture(create("d1", "8M", null)::execute));
        FilterAttachCommand attach = new FilterAttachCommand();
        attach.disks = service;
        attach.diskName = "d1";
        attach.filterName = "stats";
        attach.config = List.of("interval=1s");
        assertTrue(capture(attach::execute).startsWith("Attached filter stats (INSPECTION, rank 3) to disk d1"));

        DiskListCommand list = new DiskListCommand();
        list.disks = service;
        list.noFormat = true;
        String[] fields = capture(list::execute).trim().split("\\s*\t\\s*");
        assertEquals(List.of("d1", "8M", "4096", "local", "esx1", "0", "stats"), List.of(fields));

        FilterListCommand filters = new FilterListCommand();
        filters.disks = service;
        filters.noFormat = true;
        String out = capture(filters::execute);
        assertTrue(out.lines().anyMatch(l -> l.matches("stats\\s+INSPECTION\\s+3\\s+test filter stats\\s+d1\\s*")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("d1\\s+stats\\s+active\\s+0\\s+0\\s+-\\s*")), out);

        FilterDetachCommand detach = new FilterDetachCommand();
        detach.disks = service;
        detach.diskName = "d1";
        detach.filterName = "stats";
        capture(detach::execute);
        DiskDeleteCommand delete = new DiskDeleteCommand();
        delete.disks = service;
        delete.diskName = "d1";
        capture(delete::execute);
        assertTrue(service.disks().isEmpty());
    }

    @Test
    void badInputIsOneLineAndChangesNothing() throws Exception {
        capture(create("d1", "8M", "esx1")::execute);
        assertEquals("'12Q' is not a size: expected a size like 4096, 64M or 10G",
                assertThrows(IllegalArgumentException.class, create("d2", "12Q", "esx1")::execute).getMessage());
        assertEquals("no host named 'esx7'; host:list shows the hosts",
                assertThrows(IllegalArgumentException.class, create("d2", "8M", "esx7")::execute).getMessage());
        assertThrows(DiskException.class, create("d1", "8M", "esx1")::execute);
        DiskCreateCommand badBlock = create("d3", "8M", "esx1");
        badBlock.blockSize = "1000";
        assertThrows(IllegalArgumentException.class, badBlock::execute);
        assertEquals(List.of("d1"), service.disks().stream().map(d -> d.id()).toList());
        assertThrows(IllegalArgumentException.class, () -> FilterAttachCommand.parse(List.of("novalue")));
        assertThrows(IllegalArgumentException.class, () -> FilterAttachCommand.parse(List.of("a=1", "a=2")));
        assertEquals(Map.of("a", "1=2"), FilterAttachCommand.parse(List.of("a=1=2")));
        assertTrue(service.disks().get(0).filters().isEmpty());
    }
}
