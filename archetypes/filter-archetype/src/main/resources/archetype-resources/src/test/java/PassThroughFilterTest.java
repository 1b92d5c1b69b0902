package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.metrics.Metric;
import io.vstack.api.testing.InMemoryDisk;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filter on the testkit's {@link InMemoryDisk}, which runs a real filter chain over bytes in
 * memory as the filter framework does, and fails a request whose filter breaks the data contract
 * of {@link io.vstack.api.filter.IoFilter}.
 */
class PassThroughFilterTest {

    private static final int BLOCK = 4096;

    @TempDir
    Path state;

    private final PassThroughFilterFactory factory = new PassThroughFilterFactory();

    @Test
    void passesDataThroughUnchangedAndCountsTheConfiguredOperations() throws Exception {
        InMemoryDisk disk = new InMemoryDisk("disk1", 64 * BLOCK, BLOCK)
                .withFilter(factory, Map.of(PassThroughConfig.OPS, "write"), state);
        try (DiskHandle handle = disk.open("test")) {
            ByteBuffer out = ByteBuffer.allocate(2 * BLOCK);
            for (int i = 0; i < out.capacity(); i++) {
                out.put(i, (byte) i);
            }
            handle.write(3 * BLOCK, out);
            ByteBuffer in = ByteBuffer.allocate(2 * BLOCK);
            handle.read(3 * BLOCK, in);
            assertEquals(out.flip(), in.flip());
            handle.flush();
        }
        assertEquals(1, count("write"));
        assertEquals(0, count("read"), "reads are not configured");
        assertEquals(0, count("flush"));
    }

    @Test
    void countsEveryOperationByDefault() throws Exception {
        InMemoryDisk disk = new InMemoryDisk("disk1", 64 * BLOCK, BLOCK).withFilter(factory, Map.of(), state);
        try (DiskHandle handle = disk.open("test")) {
            handle.read(0, ByteBuffer.allocate(BLOCK));
            handle.trim(0, BLOCK);
        }
        assertEquals(1, count("read"));
        assertEquals(1, count("trim"));
    }

    @Test
    void refusesUnknownKeysAndBadValuesNamingTheKey() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> PassThroughConfig.parse(Map.of("opps", "read")));
        assertTrue(unknown.getMessage().contains("unknown key 'opps'"), unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> PassThroughConfig.parse(Map.of(PassThroughConfig.OPS, "read,erase")));
        assertTrue(bad.getMessage().startsWith("ops: 'erase'"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PassThroughConfig.parse(Map.of(PassThroughConfig.OPS, "")));
        assertThrows(IllegalArgumentException.class,
                () -> new InMemoryDisk("disk1", 64 * BLOCK, BLOCK).withFilter(factory, Map.of("opps", "read"), state));
    }

    private double count(String op) {
        return factory.snapshot().stream().filter(m -> m.name().equals(op)).mapToDouble(Metric::value).sum();
    }
}
