package io.vstack.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.inject.Inject;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The metrics bundle in the distribution: its commands, /metrics, and the dashboard opened in a
 * real browser (headless Chromium over the DevTools protocol) while a workload runs.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DashboardIT {

    private static final String PORT = "vstack.metrics.port";
    private static final String TARGET = "vstack.target";

    @Inject
    SessionFactory sessionFactory;

    private final HttpClient http = HttpClient.newHttpClient();

    @Configuration
    public Option[] config() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        return VstackDistribution.options(editConfigurationFilePut("etc/io.vstack.metrics.cfg", "port", Integer.toString(port)),
                systemProperty(PORT).value(Integer.toString(port)),
                systemProperty(TARGET).value(new File("target").getAbsolutePath()));
    }

    private String url(String path) {
        return "http://127.0.0.1:" + System.getProperty(PORT) + path;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String execute(String command) throws Exception {
        return Shell.execute(sessionFactory, command);
    }

    /** Waits until the disk, workload and metrics commands run (their services are up). */
    private void awaitCommands() throws InterruptedException {
        Eventually.await("the disk:, workload: and metrics: commands", () -> {
            try {
                execute("disk:list --no-format");
                execute("metrics:list --no-format");
                return execute("workload:run --help").contains("workload:run");
            } catch (Exception notYet) {
                return false;
            }
        });
    }

    private boolean answers(String path) {
        try {
            return get(path).statusCode() == 200;
        } catch (Exception notYet) {
            return false;
        }
    }

    @Test
    public void commandsAndTheEndpointShowADisksFiguresWithLabels() throws Exception {
        awaitCommands();
        assertTrue(execute("disk:create --size 16M figures").contains("Created disk figures"));
        execute("workload:run --rw randrw --ops 2000 --quiet figures");
        assertTrue(execute("metrics:list --no-format").contains("disk/figures"));
        String show = execute("metrics:show --no-format disk/figures").replaceAll(" *\t *", "\t");
        assertTrue(show, show.contains("io.latency\thistogram\tseconds\top=read\tn="));
        assertTrue(show, show.contains("io.reads\tcounter\tops\t-\t"));
        try {
            execute("metrics:show disk/nope");
            throw new AssertionError("metrics:show of an unknown source succeeded");
        } catch (IllegalArgumentException e) {
            assertEquals("no metric source named 'disk/nope' (metrics:list shows them)", e.getMessage());
        }
        // The same figures as a JMX MBean of the distribution's platform MBean server (what jconsole reads).
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName mbean = new ObjectName("io.vstack:type=disk,name=figures");
        Eventually.await("the MBean " + mbean, () -> jmx.isRegistered(mbean));
        double reads = (Double) jmx.getAttribute(mbean, "io.reads");
        assertTrue("io.reads of " + mbean + " is " + reads, reads > 0);
        assertTrue((Double) jmx.getAttribute(mbean, "io.latency.count{op=read}") > 0);
        Eventually.await("the metrics endpoint on " + url("/metrics"), () -> answers("/metrics"));
        HttpResponse<String> metrics = get("/metrics");
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        assertTrue(metrics.body(), metrics.body().contains("vstack_disk_io_latency_seconds_bucket{disk=\"figures\",host=\"esx1\",op=\"read\",le=\"+Inf\"}"));
        assertTrue(metrics.body().contains("vstack_host_memory_frames_free{host=\"esx1\"}"));
        HttpResponse<String> missing = get("/no-such-page");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("No such page"));
    }

    @Test
    public void theDiskPagePlotsAWorkloadLiveInHeadlessChromiumWithoutConsoleErrors() throws Exception {
        awaitCommands();
        assertTrue(execute("disk:create --size 32M live").contains("Created disk live"));
        Eventually.await("the dashboard on " + url("/disks"), () -> answers("/disks"));
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread workload = new Thread(() -> {
            try {
                System.out.println(execute("workload:run --rw randrw --threads 2 --duration 25s --quiet live"));
            } catch (Exception e) {
                failed.set(e);
            }
        }, "dashboard-it-workload");
        workload.start();
        Path target = Path.of(System.getProperty(TARGET));
        try (Chromium browser = new Chromium(target.resolve("dashboard-chromium.log"))) {
            browser.navigate(url("/disks"));
            String iops = "(() => { const s = document.querySelector('.card.disk[data-disk=\"live\"] svg[data-kind=\"iops\"]');"
                    + " return s ? Number(s.dataset.points) : -1; })()";
            String latency = iops.replace("iops", "latency");
            Eventually.await("the disk live's IOPS plot in the page", Duration.ofSeconds(30), () -> points(browser, iops) >= 2);
            int first = points(browser, iops);
            Eventually.await("points added to the IOPS plot", Duration.ofSeconds(20), () -> points(browser, iops) >= first + 3);
            Eventually.await("points on the latency plot", Duration.ofSeconds(20), () -> points(browser, latency) >= 2);
            System.out.println("IOPS points: " + browser.evaluate("document.querySelector('.card.disk[data-disk=\"live\"] svg[data-kind=\"iops\"] polyline').getAttribute('points')"));
            assertTrue(browser.evaluate("document.querySelectorAll('.card.disk[data-disk=\"live\"] polyline').length").asInt() >= 2);
            browser.screenshot(target.resolve("dashboard-disks.png"));
            assertEquals("console errors: " + browser.errors(), 0, browser.errors().size());
        } finally {
            workload.join(60_000);
        }
        if (failed.get() != null) {
            throw failed.get();
        }
    }

    private static int points(Chromium browser, String expression) {
        try {
            return browser.evaluate(expression).asInt(-1);
        } catch (Exception e) {
            return -1;
        }
    }
}
