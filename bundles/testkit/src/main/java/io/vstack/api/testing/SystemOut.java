package io.vstack.api.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what a shell command prints: Karaf actions print their tables to {@link System#out}.
 * Not for tests that run in parallel within one JVM (it swaps the process-wide stream).
 */
public final class SystemOut {

    /** Something to run that may throw, such as {@code command::execute}. */
    @FunctionalInterface
    public interface Action {
        /** Runs it. */
        void run() throws Exception;
    }

    private SystemOut() {
    }

    /**
     * Runs {@code action} with {@link System#out} redirected, restores it, and returns what was
     * printed (UTF-8). An exception of the action propagates after the stream is restored.
     */
    public static String capture(Action action) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
