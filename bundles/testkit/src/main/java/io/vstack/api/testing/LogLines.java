package io.vstack.api.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Captures the WARN and ERROR lines that slf4j-simple (the tests' SLF4J binding) writes to
 * {@link System#err} while an action runs. Not for tests that run in parallel within one JVM (it
 * swaps the process-wide stream).
 */
public final class LogLines {

    private LogLines() {
    }

    /**
     * Runs {@code action} with {@link System#err} redirected, restores it, and returns the WARN and
     * ERROR lines it logged, each without its {@code [thread] LEVEL logger - } prefix.
     */
    public static List<String> warnings(SystemOut.Action action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                .map(line -> line.substring(line.indexOf(" - ") + 3))
                .toList();
    }
}
