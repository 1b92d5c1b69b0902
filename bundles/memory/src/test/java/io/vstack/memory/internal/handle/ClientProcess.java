package io.vstack.memory.internal.handle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link ClientMain} in a second JVM, started with this test's class path; its output read line by line. */
final class ClientProcess implements AutoCloseable {

    private final Process process;
    private final BufferedReader out;
    private final List<String> lines = new ArrayList<>();

    private ClientProcess(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static ClientProcess start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), ClientMain.class.getName()));
        command.addAll(List.of(args));
        return new ClientProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /** Reads output until a line starting with {@code prefix}; returns it (null at the end of the output). */
    String awaitLine(String prefix) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            lines.add(line);
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }

    /** Writes a line to the process's stdin. */
    void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Reads the rest of the output, waits for the exit (at most {@code seconds}) and returns the exit code. */
    int exit(int seconds) throws IOException, InterruptedException {
        awaitLine("\u0000never");
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("client did not exit within " + seconds + " s: " + lines);
        }
        return process.exitValue();
    }

    List<String> lines() {
        return lines;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
