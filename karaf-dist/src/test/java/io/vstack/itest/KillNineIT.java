package io.vstack.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * {@code kill -9} of the real distribution in the middle of a verifying write workload with
 * periodic flushes, then a restart of the same installation: every disk's metadata loads (the
 * disk is there with its filter chain) and every block the workload wrote verifies, through the
 * checksum filter, whose side file must agree with the data, and the fixture's AES-CTR filter
 * below it (a third-party bundle approved with {@code trust:install}): the verify starts right
 * after the restart, before that filter has linked, and must neither read ciphertext nor find
 * plaintext in the store.
 * <p>Not a Pax Exam test: Pax Exam cannot kill its own container. This test unpacks the built
 * distribution into {@code target/kill9/}, gives that copy a login of its own (a random
 * password, SSH on 127.0.0.1 on a free port; the shipped defaults are untouched), runs it as a
 * separate process ({@code bin/karaf server}) and drives it with {@code bin/client}.
 */
public class KillNineIT {

    private static final Duration COMMAND = DistributionProcess.COMMAND;
    private static final String DISK = "k9";
    private static final int REGION_BLOCKS = 8192;     // --size 32M of 4 KiB blocks
    private static final String KEY = "00112233445566778899aabbccddeeff";
    /** The workload's verify header starts every block it writes: found in the store, it is plaintext. */
    private static final byte[] VERIFY_MAGIC = "VSTKWLD1".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern SUMMARY = Pattern.compile(
            "disk (\\S+), (\\S+) bs=(\\d+) threads=(\\d+), [\\d.]+ s, errors (\\d+), verified blocks (\\d+), verify failures (\\d+), (\\w+)");

    private DistributionProcess dist;
    private Path work;
    private Path home;

    @Before
    public void unpackACopyWithATestLogin() throws Exception {
        dist = new DistributionProcess("kill9");
        work = dist.work();
        home = dist.home();
    }

    @After
    public void stopEverything() throws Exception {
        dist.close();
    }

    @Test
    public void afterAKillNineDuringAVerifyingWriteWorkloadEveryWrittenBlockVerifiesAndAllMetadataLoads() throws Exception {
        start();
        assertTrue(client("disk:create --size 64M " + DISK).contains("Created disk " + DISK));
        client("filter:attach " + DISK + " checksum");
        String fixture = Path.of(System.getProperty("vstack.fixture.jar")).toUri().toString();
        assertTrue(client("trust:install " + fixture).contains("Approved and started io.vstack.test.filter"));
        Eventually.await("filter aes available", COMMAND, () -> unchecked(() -> client("filter:list --no-format")).lines()
                .anyMatch(l -> l.startsWith("aes")));
        client("filter:attach " + DISK + " aes key=" + KEY);
        assertEquals(List.of("checksum", "aes"), filters(client("disk:list --no-format")));

        Process workload = dist.startClient(Files.writeString(work.resolve("workload.in"), "workload:run --rw write --verify"
                + " --flush-every 64 --duration 60s --size 32M --quiet --no-format " + DISK + "\n"), work.resolve("workload.out"));
        // Enough writes for several flushes and more than one pass over some blocks' neighbours.
        long[] writes = {0};
        Eventually.await("2000 writes on " + DISK, COMMAND, () -> {
            assertTrue("the workload client ended early: " + read(work.resolve("workload.out")), workload.isAlive());
            writes[0] = counter(unchecked(() -> client("disk:info --no-format " + DISK)), "io.writes");
            return writes[0] >= 2000;
        });
        assertTrue("the workload still runs when the JVM is killed", workload.isAlive());

        dist.killNine();
        assertTrue("the workload client ended", workload.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS));
        String cut = read(work.resolve("workload.out"));
        assertFalse("the workload was cut short, it did not finish: " + cut, SUMMARY.matcher(cut).find());

        start();
        // At once, while the filters may not have linked yet: I/O through aes waits for it.
        String verify = client("workload:run --verify-only --size 32M --quiet --no-format " + DISK);
        String list = client("disk:list --no-format");
        assertFalse("every metadata file loads: " + list, list.contains("not loaded"));
        assertEquals(List.of("checksum", "aes"), filters(list));
        assertTrue(client("disk:info --no-format " + DISK).matches("(?s).*1\\s+checksum\\s+INSPECTION\\s+\\d+\\s+active.*"));

        System.out.println("after kill -9 at " + writes[0] + " acknowledged writes and a restart:\n" + list + verify);
        Matcher m = SUMMARY.matcher(verify);
        assertTrue("a verify summary: " + verify, m.find());
        assertEquals("read errors (a checksum mismatch is one): " + verify, "0", m.group(5));
        assertEquals("verify failures: " + verify, "0", m.group(7));
        // Sequential writes from block 0: at least the writes seen before the kill are there.
        long verified = Long.parseLong(m.group(6));
        assertTrue("verified " + verified + " blocks, " + writes[0] + " writes were acknowledged before the kill",
                verified >= Math.min(writes[0], REGION_BLOCKS));

        Path image = home.resolve("data/vstack/hosts/esx1/local0/" + DISK + ".img");
        assertEquals("blocks stored in plaintext", 0, plaintextBlocks(image));

        // The checksum side file survived too: a byte changed under the disk (through the page
        // cache, as the backend reads) now fails the read of that block with a checksum mismatch.
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

    /** Blocks of the store file that start with the workload's verify header. */
    private static long plaintextBlocks(Path image) throws IOException {
        long found = 0;
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(VERIFY_MAGIC.length);
            for (long block = 0; block < REGION_BLOCKS; block++) {
                head.clear();
                channel.read(head, block * 4096);
                found += Arrays.equals(head.array(), VERIFY_MAGIC) ? 1 : 0;
            }
        }
        return found;
    }

    private void start() throws Exception {
        dist.start("disk:list --no-format");
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
        return dist.client(command);
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

    private static String read(Path file) {
        return DistributionProcess.read(file);
    }
}
