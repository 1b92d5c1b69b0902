package io.vstack.disks.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
        assertEquals(List.of("d1", "8M", "4096", "local", "esx1", "-", "0", "stats"), List.of(fields));

        FilterListCommand filters = new FilterListCommand();
        filters.disks = service;
        filters.noFormat = true;
        String out = capture(filters::execute);
        assertTrue(out.lines().anyMatch(l -> l.matches("stats\\s+INSPECTION\\s+3\\s+test filter stats\\s+d1\\s*")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("d1\\s+stats\\s+active\\s+bypass\\s+0\\s+0\\s+-\\s+-\\s*")), out);

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
    void diskInfoJsonHasTheMetadataCountersAndFiltersWithSecretsRedacted() throws Exception {
        capture(create("d1", "8M", null)::execute);
        service.attach("d1", "stats", Map.of("interval", "1s"));
        DiskInfoCommand info = new DiskInfoCommand();
        info.disks = service;
        info.diskName = "d1";
        info.json = true;
        JsonNode disk = new ObjectMapper().readTree(capture(info::execute));
        assertEquals("d1", disk.get("name").asText());
        assertEquals(8 << 20, disk.get("capacity").asLong());
        assertEquals(4096, disk.get("blockSize").asInt());
        assertEquals("esx1", disk.get("owner").asText());
        assertTrue(disk.get("parent").isNull());
        assertEquals("d1", disk.get("chain").get(0).asText());
        assertEquals(0, disk.get("counters").get("io.writes").asLong());
        JsonNode filter = disk.get("filters").get(0);
        assertEquals("stats", filter.get("name").asText());
        assertEquals("INSPECTION", filter.get("class").asText());
        assertTrue(filter.get("active").asBoolean());
        assertEquals("bypass", filter.get("onMissing").asText());
        assertEquals("1s", filter.get("config").get("interval").asText());
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

    @Test
    void snapshotCloneCommitAndTheChainInInfoAndList() throws Exception {
        service.backendAdded("nfs", new TestSupport.MemoryBackend(1));
        capture(create("d1", "8M", "esx1")::execute);
        DiskSnapshotCommand snapshot = new DiskSnapshotCommand();
        snapshot.disks = service;
        snapshot.diskName = "d1";
        snapshot.snapshotName = "s1";
        assertEquals("Snapshot s1 of disk d1: d1 now reads through to s1 (chain d1 -> s1)\n", capture(snapshot::execute));

        DiskCloneCommand clone = new DiskCloneCommand();
        clone.disks = service;
        clone.baseName = "s1";
        clone.name = "c1";
        clone.backend = "nfs";
        clone.host = "esx2";
        assertEquals("Created linked clone c1 of s1 on backend nfs, owner esx2 (chain c1 -> s1)\n", capture(clone::execute));

        DiskListCommand list = new DiskListCommand();
        list.disks = service;
        list.noFormat = true;
        String listed = capture(list::execute);
        assertTrue(listed.lines().anyMatch(l -> List.of(l.trim().split("\\s*\t\\s*")).equals(
                List.of("c1", "8M", "4096", "nfs", "esx2", "s1", "0", "-"))), listed);

        DiskInfoCommand info = new DiskInfoCommand();
        info.disks = service;
        info.diskName = "c1";
        info.noFormat = true;
        String shown = capture(info::execute);
        assertTrue(shown.lines().anyMatch(l -> l.matches("Chain\\s+c1 -> s1\\s*")), shown);

        DiskCommitCommand commit = new DiskCommitCommand();
        commit.disks = service;
        commit.diskName = "c1";
        DiskException refused = assertThrows(DiskException.class, commit::execute);
        assertEquals("disk s1 is also the parent of d1: committing c1 into it would change what they read; nothing was changed",
                refused.getMessage());
        commit.diskName = "d1";
        clone.baseName = "d1";
        clone.name = "c2";
        capture(clone::execute);
        assertThrows(DiskException.class, commit::execute);
        service.delete("c2", false);
        service.delete("c1", false);
        assertEquals("Committed 0 block(s) of disk d1 into s1; d1 is empty and reads through to it\n", capture(commit::execute));
    }
}
