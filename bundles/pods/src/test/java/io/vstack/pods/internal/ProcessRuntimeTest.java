package io.vstack.pods.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.pod.ContainerSpec;
import io.vstack.api.pod.PodPhase;
import io.vstack.api.pod.PodSpec;
import io.vstack.api.pod.PodStatus;
import io.vstack.api.testing.FakeHosts;
import io.vstack.support.ConfigGuard;
import io.vstack.vm.internal.VmManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process runtime: real child processes from an allow-list, in their container's directory. */
class ProcessRuntimeTest {

    @TempDir
    Path dir;
    private PodsFixture fixture;
    private VmManager vms;
    private PodControlPlane plane;

    @BeforeEach
    void setUp() {
        fixture = new PodsFixture(FakeHosts.withCpusAndMemory(4, 64L << 20, "h000"), dir,
                new PodControlPlane.Settings(Duration.ofMillis(100), "process",
                dir.resolve("pods"), Set.of("/bin/sh", "/bin/sleep")));
        vms = fixture.vms;
        plane = fixture.plane;
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        fixture.close();
    }

    private static PodSpec pod(String name, String... argv) {
        return new PodSpec("default", name, List.of(new ContainerSpec("app", "shell", List.of(argv), 100, 1 << 20)));
    }

    private PodStatus await(String key, Predicate<PodStatus> condition) throws Exception {
        return fixture.await(key, condition);
    }

    @Test
    void aContainerIsARealProcessInItsOwnDirectory() throws Exception {
        plane.apply(pod("pwd", "/bin/sh", "-c", "echo out; echo err >&2; pwd; echo $HOME; exit 3"));
        PodStatus failed = await("default/pwd", s -> s.phase() == PodPhase.FAILED);
        assertEquals("container app exited with code 3", failed.reason());
        Path own = dir.resolve("pods").resolve("pod-default-pwd").resolve("app");
        String log = plane.logs("default", "pwd", "app", 4096);
        assertEquals("out\nerr\n" + own.toRealPath() + "\n" + own + "\n", log);

        plane.apply(pod("ok", "/bin/sh", "-c", "exit 0"));
        await("default/ok", s -> s.phase() == PodPhase.SUCCEEDED);
    }

    @Test
    void deleteKillsTheProcessAndRemovesItsFiles() throws Exception {
        plane.apply(pod("sleeper", "/bin/sh", "-c", "echo $$ > pid; exec /bin/sleep 600"));
        await("default/sleeper", s -> s.phase() == PodPhase.RUNNING);
        Path pidFile = dir.resolve("pods").resolve("pod-default-sleeper").resolve("app").resolve("pid");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(pidFile) || !Files.readString(pidFile).endsWith("\n")) {
            assertTrue(System.nanoTime() < deadline, "the shell never wrote its pid");
            Thread.onSpinWait();
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        plane.delete("default", "sleeper");
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        assertFalse(Files.exists(pidFile.getParent().getParent()));
        assertTrue(vms.vms().isEmpty());
    }

    @Test
    void anExecutableOutsideTheAllowListIsRefusedAndChangesNothing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> plane.apply(pod("cat", "/bin/cat", "/etc/passwd")));
        assertEquals("container app: field 'command': '/bin/cat' is not on the allow-list (io.vstack.pods processAllow)",
                e.getMessage());
        assertEquals("container app: field 'command' must name an allowed executable for the process runtime",
                assertThrows(IllegalArgumentException.class, () -> plane.apply(pod("empty"))).getMessage());
        assertTrue(plane.pods().isEmpty());
        assertTrue(vms.vms().isEmpty());
    }

    @Test
    void theShippedConfigurationAllowsNothingAndRefusesRelativePaths() {
        PodControlPlane.Config defaults = ConfigGuard.defaults(PodControlPlane.Config.class);
        PodControlPlane.Settings settings = PodControlPlane.Settings.parse(defaults, dir);
        assertEquals("sim", settings.runtime());
        assertEquals(Set.of(), settings.processAllow());
        assertThrows(IllegalArgumentException.class, () -> new ProcessRuntime(settings.processAllow())
                .check(pod("x", "/bin/sh").containers().get(0)));
    }
}
