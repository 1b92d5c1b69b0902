package io.vstack.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** The default datacenter, hosts added and removed at runtime, bad host configs, and the host: commands. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HostsIT {

    @Inject
    HostRegistry hosts;

    @Inject
    ConfigurationAdmin configurationAdmin;

    @Inject
    SessionFactory sessionFactory;

    @Inject
    BundleContext context;

    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        return VstackDistribution.options();
    }

    @Test
    public void theDefaultDatacenterHasEsx1AndEsx2() throws Exception {
        awaitHost("esx1");
        awaitHost("esx2");
        Host esx1 = hosts.host("esx1").orElseThrow();
        assertEquals(8, esx1.cpus().size());
        assertEquals((8L << 30) / 4096, esx1.memory().totalFrames());
        assertEquals(2, esx1.nics().size());
        assertEquals(1, context.getServiceReferences(Host.class, "(" + Host.NAME_PROPERTY + "=esx2)").size());
    }

    @Test
    public void aHostConfigAddedAtRuntimeAddsAHostAndRemovingItRemovesIt() throws Exception {
        Configuration config = configurationAdmin.getFactoryConfiguration("io.vstack.hw.host", "esx3", "?");
        config.update(properties(Map.of("cpus", "2", "memory", "1G")));
        awaitHost("esx3");
        assertEquals(2, hosts.host("esx3").orElseThrow().cpus().size());
        config.delete();
        Eventually.await("host esx3 removed", () -> hosts.host("esx3").isEmpty());
    }

    @Test
    public void aBadHostConfigCreatesNoHostAndAffectsNoOther() throws Exception {
        awaitHost("esx1");
        Host esx1 = hosts.host("esx1").orElseThrow();
        Configuration bad = configurationAdmin.getFactoryConfiguration("io.vstack.hw.host", "bad", "?");
        bad.update(properties(Map.of("memory", "-4G", "colour", "blue")));
        // Updates reach the host factory in order: once a later good config is applied, the bad one was refused.
        Configuration good = configurationAdmin.getFactoryConfiguration("io.vstack.hw.host", "esx4", "?");
        good.update(properties(Map.of("memory", "1G")));
        awaitHost("esx4");
        assertTrue(hosts.host("bad").isEmpty());
        assertSame(esx1, hosts.host("esx1").orElseThrow());
        bad.delete();
        good.delete();
        Eventually.await("host esx4 removed", () -> hosts.host("esx4").isEmpty());
    }

    @Test
    public void hostListPrintsEveryHostThroughARealShellSession() throws Exception {
        awaitHost("esx1");
        awaitHost("esx2");
        String out = execute("host:list --no-format");
        List<String> names = out.lines().map(line -> line.split("\\s+")[0]).collect(Collectors.toList());
        assertTrue(out, names.containsAll(List.of("esx1", "esx2")));
        String esx1 = out.lines().filter(line -> line.startsWith("esx1")).findFirst().orElseThrow();
        assertTrue(esx1, esx1.matches("esx1\\s+8\\s+8\\.0G\\s+8\\.0G\\s+2\\s+4\\s+/.*local0\\s*"));
        assertTrue(execute("host:info esx2").contains("15ad:07b0"));
    }

    @Test
    public void anUnknownHostIsAOneLineError() throws Exception {
        try {
            execute("host:info nosuchhost");
            fail("host:info of an unknown host must fail");
        } catch (IllegalArgumentException e) {
            assertEquals("No host named 'nosuchhost'; host:list shows the hosts", e.getMessage());
        }
        String rejected = executeExpectingError("host:simulate --failure-rate 7 esx1 local0");
        assertFalse(rejected, rejected.contains("\n"));
    }

    private String executeExpectingError(String command) throws Exception {
        try {
            execute(command);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError(command + " must fail");
    }

    private String execute(String command) throws Exception {
        return Shell.execute(sessionFactory, command);
    }

    private void awaitHost(String name) throws InterruptedException {
        Eventually.await("host " + name, () -> hosts.host(name).isPresent());
    }

    private static Dictionary<String, Object> properties(Map<String, Object> values) {
        return new Hashtable<>(values);
    }
}
