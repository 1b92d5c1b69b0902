package io.vstack.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * {@code kill -9} of the real distribution in the middle of a verifying write workload with
 * periodic flushes, then a restart of the same installation: every disk's metadata loads (the
 * disk is there with its filter chain) and every block the workload wrote verifies, through the
 * checksum filter, whose side file must agree with the data.
 * <p>Not a Pax Exam test: Pax Exam cannot kill its own container. This test unpacks the built
 * distribution into {@code target/kill9/}, gives that copy a login of its own (a random
 * password, SSH on 127.0.0.1 on a free port; the shipped defaults are untouched), runs it as a
 * separate process ({@code bin/karaf server}) and drives it with {@code bin/client}.
 */
public class KillNineIT {

    private static final Duration BOOT = Duration.ofSeconds(120);
    private static final Duration COMMAND = Duration.ofSeconds(60);
    private static final String USER = "kill9";
    private static final String DISK = "k9";
    private static final int REGION_BLOCKS = 8192;     // --size 32M of 4 KiB blocks
    private static final Pattern SUMMARY = Pattern.compile(
            "disk (\\S+), (\\S+) bs=(\\d+) threads=(\\d+), [\\d.]+ s, errors (\\d+), verified blocks (\\d+), verify failures (\\d+), (\\w+)");

    private final List<Process> processes = new ArrayList<>();
    private Path work;
    private Path home;
    private String password;
    private int port;
    private Process karaf;
    private int boots;

    @Before
    public void unpackACopyWithATestLogin() throws Exception {
        Path dist = Path.of(requiredProperty("vstack.dist"));
        work = Path.of("target", "kill9").toAbsolutePath();
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
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
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

    @After
    public void stopEverything() throws Exception {
        for (Process p : processes) {
            killTree(p.toHandle());
        }
    }

    @Test
    public void afterAKillNineDuringAVerifyingWriteWorkloadEveryWrittenBlockVerifiesAndAllMetadataLoads() throws Exception {
        start();
        assertTrue(client("disk:create --size 64M " + DISK).contains("Created disk " + DISK));
        client("filter:attach " + DISK + " checksum");
        assertEquals(List.of("checksum"), filters(client("disk:list --no-format")));

        Process workload = startClient(Files.writeString(work.resolve("workload.in"), "workload:run --rw write --verify"
                + " --flush-every 64 --duration 60s --size 32M --quiet --no-format " + DISK + "\n"), work.resolve("workload.out"));
        // Enough writes for several flushes and more than one pass over some blocks' neighbours.
        long[] writes = {0};
        Eventually.await("2000 writes on " + DISK, COMMAND, () -> {
            assertTrue("the workload client ended early: " + read(work.resolve("workload.out")), workload.isAlive());
            writes[0] = counter(unchecked(() -> client("disk:info --no-format " + DISK)), "io.writes");
            return writes[0] >= 2000;
        });
        assertTrue("the workload still runs when the JVM is killed", workload.isAlive());

        ProcessHandle jvm = karafJvm();
        run(List.of("kill", "-9", Long.toString(jvm.pid())), work.resolve("kill.out"), COMMAND);
        assertTrue("the Karaf JVM died", jvm.onExit().get(COMMAND.toSeconds(), TimeUnit.SECONDS) != null);
        assertTrue("the launcher ended", karaf.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS));
        assertTrue("the workload client ended", workload.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS));
        String cut = read(work.resolve("workload.out"));
        assertFalse("the workload was cut short, it did not finish: " + cut, SUMMARY.matcher(cut).find());

        start();
        String list = client("disk:list --no-format");
        assertFalse("every metadata file loads: " + list, list.contains("not loaded"));
        assertEquals(List.of("checksum"), filters(list));
        assertTrue(client("disk:info --no-format " + DISK).matches("(?s).*1\\s+checksum\\s+INSPECTION\\s+\\d+\\s+active.*"));

        String verify = client("workload:run --verify-only --size 32M --quiet --no-format " + DISK);
        System.out.println("after kill -9 at " + writes[0] + " acknowledged writes and a restart:\n" + list + verify);
        Matcher m = SUMMARY.matcher(verify);
        assertTrue("a verify summary: " + verify, m.find());
        assertEquals("read errors (a checksum mismatch is one): " + verify, "0", m.group(5));
        assertEquals("verify failures: " + verify, "0", m.group(7));
        // Sequential writes from block 0: at least the writes seen before the kill are there.
        long verified = Long.parseLong(m.group(6));
        assertTrue("verified " + verified + " blocks, " + writes[0] + " writes were acknowledged before the kill",
                verified >= Math.min(writes[0], REGION_BLOCKS));

        // The checksum side file survived too: a byte changed under the disk (through the page
        // cache, as the backend reads) now fails the read of that block with a checksum mismatch.
        Path image = home.resolve("data/vstack/hosts/esx1/local0/" + DISK + ".img");
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            long at = 5L * 4096 + 100;
            channel.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x5a)).clear();
            channel.write(one, at);
        }
        String corrupt = client("workload:run --verify-only --size 24K --quiet --no-format " + DISK);
        Matcher c = SUMMARY.matcher(corrupt);
        assertTrue("a verify summary: " + corrupt, c.find());
        assertEquals("one read error: " + corrupt, "1", c.group(5));
        assertTrue(corrupt, corrupt.contains("checksum mismatch in block 5"));
        System.out.println("after a byte changed in block 5 under the checksum filter:\n" + corrupt);
    }

    /** Starts {@code bin/karaf server} and waits until the client gets in and the disk commands answer. */
    private void start() throws Exception {
        boots++;
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("karaf-" + boots + ".out").toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.remove("KARAF_DEBUG");
        karaf = builder.start();
        processes.add(karaf);
        Eventually.await("the distribution answers on port " + port + " (boot " + boots + ")", BOOT, () -> {
            assertTrue("Karaf exited: " + read(work.resolve("karaf-" + boots + ".out")), karaf.isAlive());
            try {
                client("disk:list --no-format", Duration.ofSeconds(30));
                return true;
            } catch (AssertionError | Exception e) {
                return false;       // not up yet: the client cannot connect or log in, or the commands are not there
            }
        });
    }

    /** The Karaf JVM: the launched process itself if the script exec'd it, else its java descendant. */
    private ProcessHandle karafJvm() {
        ProcessHandle launcher = karaf.toHandle();
        return Stream.concat(Stream.of(launcher), launcher.descendants())
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no java process under " + launcher.pid()));
    }

    private interface Call {
        String call() throws Exception;
    }

    private static String unchecked(Call call) {
        try {
            return call.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String client(String command) throws Exception {
        return client(command, COMMAND);
    }

    /** Runs one command through {@code bin/client} in batch mode; fails on an error line. */
    private String client(String command, Duration timeout) throws Exception {
        Path out = Files.createTempFile(work, "client", ".out");
        Path in = Files.writeString(Files.createTempFile(work, "client", ".in"), command + "\n");
        Process p = startClient(in, out);
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            killTree(p.toHandle());
            throw new AssertionError("bin/client did not answer within " + timeout.toSeconds() + " s: " + command);
        }
        processes.remove(p);
        String text = read(out);
        Files.delete(out);
        Files.delete(in);
        if (text.contains("Error executing command") || text.contains("Command not found") || p.exitValue() != 0) {
            throw new AssertionError(command + " failed (exit " + p.exitValue() + "): " + text);
        }
        return text;
    }

    private Process startClient(Path in, Path out) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/client").toString(), "-u", USER, "-p", password,
                "-h", "127.0.0.1", "-a", Integer.toString(port), "-b")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = builder.start();
        processes.add(p);
        return p;
    }

    /** The filter names of the disk's row in {@code disk:list --no-format}. */
    private static List<String> filters(String list) {
        String row = list.lines().filter(l -> l.startsWith(DISK + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("disk " + DISK + " not listed: " + list));
        String[] cells = row.trim().split("\\s+");
        return List.of(cells[cells.length - 1].split(","));
    }

    /** A counter row of {@code disk:info --no-format}: {@code io.writes 1234 ops}. */
    private static long counter(String info, String name) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + "\\s+(\\d+)\\s").matcher(info);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + info);
        }
        return Long.parseLong(m.group(1));
    }

    private static void run(List<String> command, Path out, Duration timeout) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not end within " + timeout.toSeconds() + " s");
        }
        assertEquals(command + ": " + read(out), 0, p.exitValue());
    }

    private static void killTree(ProcessHandle process) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>();
        process.descendants().forEach(all::add);
        all.add(process);
        for (ProcessHandle p : all) {
            p.destroyForcibly();
        }
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Gone already, or it will not go: nothing more can be done here.
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
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
