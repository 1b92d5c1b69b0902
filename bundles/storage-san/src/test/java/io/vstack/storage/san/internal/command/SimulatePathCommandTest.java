package io.vstack.storage.san.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.storage.BackendStatus.Health;
import io.vstack.storage.san.internal.SanBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatePathCommandTest {

    @TempDir
    Path dir;

    private static String capture(SimulatePathCommand command) {
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
    void holdsAPathDownAndABadValueChangesNothing() throws Exception {
        SimulatePathCommand command = new SimulatePathCommand();
        command.san = new SanBackend("a1", dir, 1 << 20, 2, Duration.ZERO);
        command.path = "path1";
        command.down = true;
        command.latency = "2ms";
        assertEquals("simulation: san-a1 path1 DOWN latency=2ms", capture(command).trim());
        assertEquals(Health.DEGRADED, command.san.status().health());

        command.down = false;
        command.up = true;
        command.latency = "soon";
        assertThrows(IllegalArgumentException.class, () -> command.execute());
        assertEquals(Health.DEGRADED, command.san.status().health(), "nothing changed");

        command.path = "path7";
        command.latency = null;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> command.execute());
        assertEquals("san-a1 has no path 'path7'; its paths: path0, path1", e.getMessage());

        command.path = null;
        command.up = false;
        command.noFormat = true;
        String out = capture(command);
        assertTrue(out.contains("path1\tDOWN latency=2ms"), out);
    }
}
