package io.vstack.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.vstack.api.memory.GrantRefusedException;
import io.vstack.api.memory.HandleBroker;
import io.vstack.api.memory.MemoryHandle;
import io.vstack.api.memory.MemoryRegion;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** Memory handles in the full distribution: grant, list and revoke through the shell; a client process writing to a disk. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MemoryHandlesIT {

    private static final Pattern REGION = Pattern.compile("Created region (r\\d+) .* at (\\S+)");
    private static final Pattern GRANT = Pattern.compile("Grant ([0-9a-f]{32}) ");
    private static final Pattern TOKEN = Pattern.compile("Token: (\\S+)");

    @Inject
    SessionFactory sessionFactory;

    @Inject
    HandleBroker broker;

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return VstackDistribution.options();
    }

    @Test
    public void grantListAndRevokeThroughTheShell() throws Exception {
        Matcher region = find(REGION, execute("mem:region-create --owner shell-test 16M"));
        String out = execute("mem:grant --read-only --length 1M --max-maps 2 --grantee itest " + region.group(1));
        String grant = find(GRANT, out).group(1);
        String token = find(TOKEN, out).group(1);
        assertTrue(out, out.contains("read-only, max-maps 2"));

        try (MemoryHandle handle = broker.map(token)) {
            handle.slice(4096, 64);
            String handles = execute("mem:handles --no-format");
            assertTrue(handles, handles.contains(grant) && handles.contains("live"));
            assertTrue(handles, handles.contains("1/1") && handles.contains("ro"));
            assertTrue(handles, handles.contains("Bytes copied by the memory service: 0"));

            assertTrue(execute("mem:revoke " + grant).contains("Revoked grant " + grant));
            String after = execute("mem:handles --no-format");
            assertTrue(after, after.contains("revoked") && after.contains("no (revoked)"));
            try {
                broker.map(token);
                fail("a revoked grant was mapped");
            } catch (GrantRefusedException expected) {
                assertEquals(GrantRefusedException.Reason.REVOKED, expected.reason());
            }
        }
        // Bad input: one line naming what was wrong, no Java class name.
        for (String bad : List.of("mem:grant --offset 100 " + region.group(1), "mem:grant --length -4096 " + region.group(1),
                "mem:grant nosuchregion", "mem:revoke 0123", "mem:region-create 12345")) {
            String message = failure(bad);
            assertFalse(bad + ": " + message, message.contains("Exception") || message.contains("\n"));
        }
        Path audit = Path.of(System.getProperty("karaf.data"), "vstack", "memory", "audit.log");
        String log = Files.readString(audit);
        assertTrue(log, log.contains(" GRANT ") && log.contains(" MAP ") && log.contains(" REVOKE "));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(audit)));
    }

    @Test
    public void aClientProcessWritesThroughAHandleIntoADiskOfTheDistribution() throws Exception {
        Eventually.await("the disk manager", () -> {
            try {
                return execute("disk:list --no-format") != null;
            } catch (Exception e) {
                return false;
            }
        });
        execute("disk:create --size 64M --host esx1 memdisk");
        // The socket sits beside the region files.
        MemoryRegion probe = broker.createRegion("itest", 4096);
        Path socket = probe.file().getParent().resolve("memory.sock");
        broker.deleteRegion(probe.id());

        String classPath = jar("io.vstack.memory") + File.pathSeparator + jar("io.vstack.core");
        Process client = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", classPath, "io.vstack.memory.internal.handle.ClientMain", "write", socket.toString(), "memdisk",
                Long.toString(32 << 20), Integer.toString(1 << 20), "verify").redirectErrorStream(true).start();
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(output, client.waitFor(60, TimeUnit.SECONDS));
        assertEquals(output, 0, client.exitValue());
        assertTrue(output, output.contains("RESULT readBack=OK firstMismatch=-1"));
        assertEquals(0, broker.bytesCopied());
        // The session ends after the client's exit: its disk handle closes, then its region goes.
        Eventually.await("the client's session cleaned up", () -> broker.regions().stream()
                .noneMatch(r -> r.owner().startsWith("client:writer")));
        execute("disk:delete memdisk");
    }

    /** The jar of the installed bundle {@code symbolicName}, in the distribution's system/ repository. */
    private String jar(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName().equals(symbolicName)) {
                String[] mvn = b.getLocation().substring("mvn:".length()).split("/");
                Path jar = Path.of(System.getProperty("karaf.home"), "system").resolve(mvn[0].replace('.', '/'))
                        .resolve(mvn[1]).resolve(mvn[2]).resolve(mvn[1] + "-" + mvn[2] + ".jar");
                assertTrue(jar.toString(), Files.isReadable(jar));
                return jar.toString();
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    private static Matcher find(Pattern p, String text) {
        Matcher m = p.matcher(text);
        assertTrue(text, m.find());
        return m;
    }

    private String failure(String command) {
        try {
            fail(command + " succeeded: " + execute(command));
            return null;
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    private String execute(String command) throws Exception {
        return Shell.execute(sessionFactory, command);
    }
}
