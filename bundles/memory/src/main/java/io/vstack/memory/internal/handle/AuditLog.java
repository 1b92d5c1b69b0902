package io.vstack.memory.internal.handle;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The broker's audit log: one line per grant, map, refusal and revocation, appended to a file of
 * mode 0600 ({@code <time> <EVENT> key=value ...}). Each line is one write to a file opened for
 * appending, so lines never interleave; it is not fsynced per line (a crash may lose the last ones).
 * A plain file stream, not a channel: an interrupt of the writing thread must not close the log.
 * <p>Thread-safe.
 */
final class AuditLog implements AutoCloseable {

    private final Path file;
    private final FileOutputStream stream;

    AuditLog(Path file) throws IOException {
        this.file = file;
        if (!Files.exists(file)) {
            PrivateFiles.newFile(file);
        }
        this.stream = new FileOutputStream(file.toFile(), true);
    }

    /** Appends one line; a value with spaces or line breaks is quoted so that a line stays one line. */
    void append(String event, String... keyValues) {
        StringBuilder line = new StringBuilder(96).append(Instant.now()).append(' ').append(event);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            line.append(' ').append(keyValues[i]).append('=').append(clean(keyValues[i + 1]));
        }
        line.append('\n');
        byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
        try {
            synchronized (stream) {
                stream.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the memory audit log " + file, e);
        }
    }

    /** The last {@code n} lines. */
    List<String> tail(int n) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return new ArrayList<>(lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    Path file() {
        return file;
    }

    private static String clean(String value) {
        String v = value == null ? "" : value.replace('\n', ' ').replace('\r', ' ');
        return v.indexOf(' ') >= 0 || v.isEmpty() ? '"' + v.replace("\"", "'") + '"' : v;
    }

    @Override
    public void close() {
        try {
            stream.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
