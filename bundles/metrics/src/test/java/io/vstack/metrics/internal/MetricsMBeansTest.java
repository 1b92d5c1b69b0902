package io.vstack.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.metrics.Distribution;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricSource;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeNotFoundException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Metric sources as MBeans, read back through an MBean server as a JMX client reads them. */
class MetricsMBeansTest {

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final MetricsMBeans mbeans = new MetricsMBeans(server);

    @AfterEach
    void tearDown() {
        mbeans.deactivate();
    }

    private static Map<String, Object> props(String source, long serviceId) {
        return Map.of(MetricSource.SOURCE_PROPERTY, source, "service.id", serviceId);
    }

    private static FakeSource source(String name, Map<String, String> labels, Supplier<List<Metric>> figures) {
        return new FakeSource(name, labels, figures);
    }

    private Set<ObjectName> vstackMBeans() throws Exception {
        return server.queryNames(new ObjectName("io.vstack:*"), null);
    }

    @Test
    void objectNamesAreTheSourcesKindAndName() throws Exception {
        assertEquals(new ObjectName("io.vstack:type=disk,name=db1"), MetricsMBeans.objectName("disk/db1"));
        assertEquals(new ObjectName("io.vstack:type=disk,name=db1/stats"), MetricsMBeans.objectName("disk/db1/stats"));
        assertEquals(new ObjectName("io.vstack:type=cache,name=cache"), MetricsMBeans.objectName("cache"));
        ObjectName odd = MetricsMBeans.objectName("disk/a,b=c");
        assertEquals("a,b=c", ObjectName.unquote(odd.getKeyProperty("name")), "quoted where it must be");
    }

    @Test
    void attributesAreLiveFiguresOfTheSourceWithItsOwnLabelsLeftOut() throws Exception {
        AtomicLong ops = new AtomicLong(3);
        Distribution latency = Distribution.histogram(List.of(new Distribution.Bucket(1e-6, 3), new Distribution.Bucket(2e-6, 5),
                new Distribution.Bucket(Double.POSITIVE_INFINITY, 6)), 9e-6);
        mbeans.addSource(source("disk/db1", Map.of("disk", "db1"), () -> List.of(
                Metric.counter("io.ops", "ops", ops.get(), Map.of("op", "read")),
                Metric.gauge("capacity", "bytes", 1 << 20, Map.of()),
                Metric.histogram("io.latency", "seconds", latency, Map.of("op", "read")),
                Metric.summary("stun", "seconds", Distribution.summary(List.of(new Distribution.Quantile(0.5, 0.25)), 4, 1.5),
                        Map.of()))), props("disk/db1", 7));
        ObjectName name = new ObjectName("io.vstack:type=disk,name=db1");
        assertEquals(Set.of(name), vstackMBeans());
        assertEquals(3.0, server.getAttribute(name, "io.ops{op=read}"));
        ops.set(42);
        assertEquals(42.0, server.getAttribute(name, "io.ops{op=read}"), "read at each access");
        assertEquals((double) (1 << 20), server.getAttribute(name, "capacity"));
        assertEquals(6.0, server.getAttribute(name, "io.latency.count{op=read}"));
        assertEquals(9e-6, server.getAttribute(name, "io.latency.sum{op=read}"));
        assertEquals(latency.quantile(0.99), server.getAttribute(name, "io.latency.p99{op=read}"));
        assertEquals(0.25, server.getAttribute(name, "stun.p50"));
        assertEquals(4.0, server.getAttribute(name, "stun.count"));

        MBeanAttributeInfo[] info = server.getMBeanInfo(name).getAttributes();
        List<String> names = Arrays.stream(info).map(MBeanAttributeInfo::getName).toList();
        assertTrue(names.containsAll(List.of("io.ops{op=read}", "capacity", "io.latency.p50{op=read}", "stun.sum")), names.toString());
        MBeanAttributeInfo opsInfo = Arrays.stream(info).filter(i -> i.getName().equals("io.ops{op=read}")).findFirst().orElseThrow();
        assertEquals("double", opsInfo.getType());
        assertEquals("counter in ops", opsInfo.getDescription());
        assertTrue(opsInfo.isReadable());
        assertFalse(opsInfo.isWritable());

        assertEquals(2, server.getAttributes(name, new String[] {"capacity", "io.ops{op=read}", "nope"}).size());
        assertThrows(AttributeNotFoundException.class, () -> server.getAttribute(name, "nope"));
        assertThrows(AttributeNotFoundException.class, () -> server.setAttribute(name, new Attribute("capacity", 1.0)));
    }

    @Test
    void aSourceThatThrowsIsOneClearErrorAndTheOthersStayReadable() throws Exception {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        mbeans.addSource(source("vm", Map.of(), () -> {
            if (failure.get() != null) {
                throw failure.get();
            }
            return List.of(Metric.gauge("vms", "vms", 2, Map.of()));
        }), props("vm", 1));
        mbeans.addSource(source("trust", Map.of(), () -> List.of(Metric.counter("refusals", "bundles", 1, Map.of()))), props("trust", 2));
        ObjectName vm = MetricsMBeans.objectName("vm");
        assertEquals(2.0, server.getAttribute(vm, "vms"));
        failure.set(new IllegalStateException("bundle stopping"));
        MBeanException e = assertThrows(MBeanException.class, () -> server.getAttribute(vm, "vms"));
        assertEquals("metric source vm could not be read: java.lang.IllegalStateException: bundle stopping",
                e.getTargetException().getMessage());
        assertEquals(0, server.getMBeanInfo(vm).getAttributes().length);
        assertEquals(1.0, server.getAttribute(MetricsMBeans.objectName("trust"), "refusals"));
    }

    @Test
    void anMBeanGoesWithItsSourceAndAReplacedSourceHandsOver() throws Exception {
        FakeSource old = source("cache", Map.of(), () -> List.of(Metric.gauge("which", "n", 1, Map.of())));
        FakeSource replacement = source("cache", Map.of(), () -> List.of(Metric.gauge("which", "n", 2, Map.of())));
        ObjectName cache = MetricsMBeans.objectName("cache");
        mbeans.addSource(old, props("cache", 1));
        mbeans.addSource(replacement, props("cache", 2));
        assertEquals(2.0, server.getAttribute(cache, "which"), "the newer service is the MBean");
        mbeans.removeSource(replacement, props("cache", 2));
        assertEquals(1.0, server.getAttribute(cache, "which"), "the other one takes its place");
        mbeans.removeSource(old, props("cache", 1));
        assertEquals(Set.of(), vstackMBeans());
        mbeans.addSource(old, props("cache", 3));
        mbeans.deactivate();
        assertEquals(Set.of(), vstackMBeans(), "none is left when the component goes");
    }

    @Test
    void theComponentRegistersOnThePlatformMBeanServer() throws Exception {
        MetricsMBeans platform = new MetricsMBeans();
        MBeanServer jvm = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = MetricsMBeans.objectName("host/unit-test");
        try {
            platform.addSource(source("host/unit-test", Map.of(), () -> List.of(Metric.gauge("frames.free", "frames", 9, Map.of()))),
                    props("host/unit-test", 1));
            assertEquals(9.0, jvm.getAttribute(name, "frames.free"));
        } finally {
            platform.deactivate();
        }
        assertFalse(jvm.isRegistered(name));
    }
}
