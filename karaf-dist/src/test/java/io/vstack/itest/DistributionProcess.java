package io.vstack.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The built distribution run as a separate process, for tests Pax Exam cannot host (a
 * {@code kill -9}, several processes). Unpacks {@code vstack.dist} into {@code target/<name>/},
 * gives that copy a login of its own (a random password, SSH on 127.0.0.1 on a free port; the
 * shipped defaults are untouched), runs it with {@code bin/karaf server} and drives it with
 * {@code bin/client} in batch mode.
 */
final class DistributionProcess implements AutoCloseable {

    /**
     * A boot takes ~30 s on a quiet 2-core machine; once, with four builds beside the suite, one
     * took more than 120 s. A deadline for liveness, not a figure.
     */
    static final Duration BOOT = Duration.ofSeconds(300);
    static final Duration COMMAND = Duration.ofSeconds(60);
    private static final String USER = "itest";

    private final List<Process> processes = new ArrayList<>();
    private final Path work;
    private final Path home;
    private final String password;
    private final int port;
    private Process karaf;
    private int boots;

    /** Unpacks a fresh copy into {@code target/<name>/}. */
    DistributionProcess(String name) throws Exception {
        Path dist = Path.of(requiredProperty("vstack.dist"));
        work = Path.of("target", name).toAbsolutePath();
        deleteTree(work);
        Files.createDirectories(work);
        run(List.of("tar", "-xzf", dist.toString(), "-C", work.toString()), work.resolve("tar.out"), COMMAND);
        try (Stream<Path> entries = Files.list(work)) {
            home = entries.filter(p -> Files.isDirectory(p)).findFirst()
                    .orElseThrow(() -> new AssertionError(dist + " unpacked to nothing"));
        }
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        password = HexFormat.of().formatHex(secret);
        port = freePort();
        // A login for this copy only, in the admin group (which has the ssh role).
        Files.writeString(home.resolve("etc/users.properties"), USER + " = " + password + ",_g_:admingroup\n"
                + "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n", StandardCharsets.ISO_8859_1);
        Path shellCfg = home.resolve("etc/org.apache.karaf.shell.cfg");
        String cfg = Files.readString(shellCfg, StandardCharsets.ISO_8859_1);
        String edited = cfg.replaceAll("(?m)^sshPort\\s*=.*$", "sshPort = " + port)
                .replaceAll("(?m)^sshHost\\s*=.*$", "sshHost = 127.0.0.1");
        assertTrue("sshPort set in " + shellCfg, edited.contains("sshPort = " + port));
        Files.writeString(shellCfg, edited, StandardCharsets.ISO_8859_1);
    }

    /** A TCP port free on loopback now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    Path home() {
        return home;
    }

    Path work() {
        return work;
    }

    /** The launcher of the running copy. */
    Process launcher() {
        return karaf;
    }

    /** Starts {@code bin/karaf server} and waits until the client gets in and {@code readyCommand} answers. */
    void start(String readyCommand) throws Exception {
        launch();
        awaitUp(readyCommand);
    }

    /** Starts {@code bin/karaf server} without waiting. */
    void launch() throws IOException {
        boots++;
        Path log = work.resolve("karaf-" + boots + ".out");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.remove("KARAF_DEBUG");
        karaf = builder.start();
        synchronized (processes) {
            processes.add(karaf);
        }
    }

    /** Waits until the client gets in and {@code readyCommand} answers. */
    void awaitUp(String readyCommand) throws Exception {
        Process started = karaf;
        Path log = work.resolve("karaf-" + boots + ".out");
        String[] lastAnswer = {"no answer yet"};
        try {
            Eventually.await("the distribution in " + work.getFileName() + " answers on port " + port + " (boot " + boots + ")",
                    BOOT, () -> {
                assertTrue("Karaf exited: " + read(log), started.isAlive());
                try {
                    client(readyCommand, Duration.ofSeconds(30));
                    return true;
                } catch (AssertionError | Exception e) {
                    lastAnswer[0] = String.valueOf(e.getMessage()); // not up yet: no connection, no login, or no command
                    return false;
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the last try of '" + readyCommand + "' got: " + lastAnswer[0], e);
        }
    }

    /** The Karaf JVM: the launched process itself if the script exec'd it, else its java descendant. */
    ProcessHandle jvm() {
        ProcessHandle launcher = karaf.toHandle();
        return Stream.concat(Stream.of(launcher), launcher.descendants())
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no java process under " + launcher.pid()));
    }

    /** {@code kill -9} of the Karaf JVM; returns once it and its launcher are gone. */
    void killNine() throws Exception {
        ProcessHandle jvm = jvm();
        run(List.of("kill", "-9", Long.toString(jvm.pid())), work.resolve("kill.out"), COMMAND);
        assertTrue("the Karaf JVM died", jvm.onExit().get(COMMAND.toSeconds(), TimeUnit.SECONDS) != null);
        assertTrue("the launcher ended", karaf.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS));
    }

    String client(String command) throws Exception {
        return client(command, COMMAND);
    }

    /** Runs one command through {@code bin/client} in batch mode; fails on an error line. */
    String client(String command, Duration timeout) throws Exception {
        Path out = Files.createTempFile(work, "client", ".out");
        Path in = Files.writeString(Files.createTempFile(work, "client", ".in"), command + "\n");
        Process p = startClient(in, out);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            killTree(p.toHandle());
            throw new AssertionError("bin/client did not answer within " + timeout.toSeconds() + " s: " + command);
        }
        synchronized (processes) {
            processes.remove(p);
        }
        String text = read(out);
        Files.delete(out);
        Files.delete(in);
        if (text.contains("Error executing command") || text.contains("Command not found") || p.exitValue() != 0) {
            throw new AssertionError(command + " failed (exit " + p.exitValue() + "): " + text);
        }
        return text;
    }

    /** Starts {@code bin/client} with its input from {@code in} and its output to {@code out}. */
    Process startClient(Path in, Path out) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/client").toString(), "-u", USER, "-p", password,
                "-h", "127.0.0.1", "-a", Integer.toString(port), "-b")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = builder.start();
        synchronized (processes) {
            processes.add(p);
        }
        return p;
    }

    /** Kills every process this copy started. */
    @Override
    public void close() {
        List<Process> all;
        synchronized (processes) {
            all = List.copyOf(processes);
        }
        for (Process p : all) {
            killTree(p.toHandle());
        }
    }

    static void run(List<String> command, Path out, Duration timeout) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not end within " + timeout.toSeconds() + " s");
        }
        assertEquals(command + ": " + read(out), 0, p.exitValue());
    }

    static void killTree(ProcessHandle process) {
        List<ProcessHandle> all = new ArrayList<>();
        process.descendants().forEach(all::add);
        all.add(process);
        for (ProcessHandle p : all) {
            p.destroyForcibly();
        }
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // Gone already, or it will not go: nothing more can be done here.
            }
        }
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e.getMessage() + ")";
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set: run the integration tests through Maven");
        }
        return value;
    }
}
