package io.vstack.itest;

import io.vstack.api.disk.DiskException;
import io.vstack.api.replication.ReplicationException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;

/** Runs shell commands in a fresh session of the container, as a user at the console would. */
final class Shell {

    private Shell() {
    }

    /**
     * Runs {@code command} in a new session with an empty stdin and returns what it printed
     * (stdout and stderr together). A failing command throws its exception here.
     */
    static String execute(SessionFactory sessions, String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session session = sessions.create(new ByteArrayInputStream(new byte[0]), out, out)) {
            session.execute(command);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code command}, which must fail with a one-line message (an {@link IllegalArgumentException}
     * or a {@link DiskException}, as the shell shows it) that contains {@code expected}.
     */
    static void assertOneLineError(SessionFactory sessions, String command, String expected) throws Exception {
        try {
            execute(sessions, command);
        } catch (IllegalArgumentException | DiskException | ReplicationException e) {
            if (e.getMessage() == null || !e.getMessage().contains(expected)) {
                throw new AssertionError(command + ": '" + e.getMessage() + "' does not contain '" + expected + "'", e);
            }
            if (e.getMessage().contains("\n")) {
                throw new AssertionError(command + ": not one line: " + e.getMessage(), e);
            }
            return;
        }
        throw new AssertionError(command + " must fail");
    }
}
