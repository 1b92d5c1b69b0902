package io.vstack.storage.commands.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.storage.BackendStatus;
import io.vstack.api.storage.BackendStatus.Health;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.StorageBackend;
import io.vstack.storage.commands.internal.StatusOnlyBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StorageListCommandTest {

    private static StorageBackend backend(BackendStatus status) {
        return new StatusOnlyBackend(() -> status);
    }

    private static String run(StorageListCommand command) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            command.execute();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listsEveryBackendWithCapacityUseAndHealthInTypeOrder() {
        StorageListCommand list = new StorageListCommand();
        list.backends = List.of(
                backend(new BackendStatus("cloud-vstack", BackendType.CLOUD, 1L << 40, 0, Health.DOWN, "no endpoint configured")),
                backend(new BackendStatus("san-array1", BackendType.SAN, 100L << 30, 8L << 30, Health.DEGRADED, "1/2 paths up")));
        list.noFormat = true;
        String[] lines = run(list).trim().split("\n");
        assertEquals(List.of("san-array1", "san", "100.0G", "8.0G", "DEGRADED", "1/2 paths up"),
                List.of(lines[0].trim().split("\\s*\t\\s*")));
        assertEquals(List.of("cloud-vstack", "cloud", "1.0T", "0B", "DOWN", "no endpoint configured"),
                List.of(lines[1].trim().split("\\s*\t\\s*")));

        list.type = "cloud";
        assertEquals(1, run(list).trim().split("\n").length);
        list.type = "nfs";
        list.noFormat = false;
        assertTrue(run(list).contains("No nfs backend: feature:install vstack-storage-nfs"));
    }

    @Test
    void aMalformedBackendTypeIsAOneLineError() {
        StorageListCommand list = new StorageListCommand();
        list.backends = List.of();
        list.type = "tape drive";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, list::execute);
        assertEquals("bad backend type 'tape drive': lowercase letters, digits and dashes, starting with a letter, "
                + "at most 32 characters", e.getMessage());
    }
}
