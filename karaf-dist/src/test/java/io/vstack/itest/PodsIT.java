package io.vstack.itest;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.vstack.api.pod.PodPhase;
import io.vstack.api.pod.PodService;
import io.vstack.api.vm.VmService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** A pod applied from a file through the shell runs in a real pod VM; a bad file changes nothing; delete removes it. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PodsIT {

    @Inject
    PodService pods;

    @Inject
    VmService vms;

    @Inject
    SessionFactory sessionFactory;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return VstackDistribution.options();
    }

    @Test
    public void aPodAppliedThroughTheShellRunsAndIsDeleted() throws Exception {
        Path dir = Files.createTempDirectory("pods-it");
        Path file = dir.resolve("web.json");
        Files.writeString(file, """
                {"namespace": "demo", "name": "web", "containers": [
                  {"name": "app", "image": "busybox", "command": ["echo", "hello", "pods"], "cpuMillis": 500, "memory": "16M"}]}
                """, StandardCharsets.UTF_8);
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"name\": \"web\", \"replicas\": 2, \"containers\": []}", StandardCharsets.UTF_8);

        Shell.assertOneLineError(sessionFactory, "pod:apply " + bad, "unknown field 'replicas' in pod spec");
        assertTrue(pods.pods().isEmpty());

        String applied = Shell.execute(sessionFactory, "pod:apply " + file);
        assertTrue(applied, applied.contains("pod demo/web applied"));
        Eventually.await("pod demo/web running", () -> pods.pod("demo", "web")
                .map(p -> p.phase() == PodPhase.RUNNING).orElse(false));
        assertTrue(vms.vm("pod-demo-web").isPresent());
        String list = Shell.execute(sessionFactory, "pod:list --no-format");
        assertTrue(list, list.contains("demo/web") && list.contains("RUNNING") && list.contains("pod-demo-web"));
        String logs = Shell.execute(sessionFactory, "pod:logs demo/web");
        assertTrue(logs, logs.contains("echo hello pods"));
        String described = Shell.execute(sessionFactory, "pod:describe demo/web");
        assertTrue(described, described.contains("app: busybox echo hello pods; 500m CPU, 16.0M; RUNNING"));

        String deleted = Shell.execute(sessionFactory, "pod:delete demo/web");
        assertTrue(deleted, deleted.contains("pod demo/web deleted"));
        assertFalse(vms.vm("pod-demo-web").isPresent());
        assertTrue(pods.pods().isEmpty());
    }
}
