package io.vstack.disks.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.filter.FilterClass;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.StorageBackend;
import io.vstack.disks.internal.TestSupport.Factory;
import io.vstack.disks.internal.TestSupport.MemoryBackend;
import io.vstack.disks.internal.TestSupport.Recording;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Open at a filter (filter-level access): I/O through a handle opened at filter {@code k} passes
 * exactly the filters from {@code k} down, in chain order, whatever the classes, ranks and
 * attach order; a filter that is not attached is a one-line error.
 */
class OpenAtTest extends DiskServiceFixture {

    private final MemoryBackend backend = new MemoryBackend(1);

    @Override
    Map<String, StorageBackend> backends() {
        return Map.of("local", backend);
    }

    @Test
    void aHandleAtEachFilterSeesExactlyTheFiltersFromThereDownInOrderOverRandomChains() throws Exception {
        SplittableRandom random = new SplittableRandom(20);
        List<String> trace = new CopyOnWriteArrayList<>();
        FilterClass[] classes = FilterClass.values();
        int violations = 0;
        int checked = 0;
        for (int round = 0; round < 40; round++) {
            String disk = "d" + round;
            service.create(DiskSpec.of(disk, 1 << 20, BackendType.LOCAL, "esx1"));
            int count = 1 + random.nextInt(6);
            List<Factory> factories = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = "f" + round + "-" + i;
                Factory factory = new Factory(name, classes[random.nextInt(classes.length)], random.nextInt(-3, 4),
                        c -> new Recording(name, trace));
                factories.add(factory);
                service.factoryAdded(factory);
            }
            List<Factory> attachOrder = new ArrayList<>(factories);
            Collections.shuffle(attachOrder, new java.util.Random(round));
            for (Factory f : attachOrder) {
                service.attach(disk, f.descriptor.name(), Map.of());
            }
            // The expected chain order, computed independently of the framework: class, then higher rank, then name.
            List<String> order = factories.stream().map(f -> f.descriptor)
                    .sorted(Comparator.comparing((io.vstack.api.filter.FilterDescriptor d) -> d.filterClass().ordinal())
                            .thenComparing(d -> -d.rank()).thenComparing(io.vstack.api.filter.FilterDescriptor::name))
                    .map(io.vstack.api.filter.FilterDescriptor::name).toList();
            VirtualDisk vd = service.disk(disk).orElseThrow();
            for (int k = 0; k < order.size(); k++) {
                trace.clear();
                try (DiskHandle h = vd.openAt("mgmt", order.get(k))) {
                    h.write(0, ByteBuffer.allocate(4096));
                    h.read(0, ByteBuffer.allocate(4096));
                }
                List<String> below = order.subList(k, order.size());
                List<String> expected = new ArrayList<>(below);
                expected.addAll(below);
                checked++;
                if (!expected.equals(trace)) {
                    violations++;
                }
            }
            for (Factory f : factories) {
                service.factoryRemoved(f);
            }
        }
        assertEquals(0, violations, "ordering violations among " + checked + " handles");
    }

    @Test
    void aFilterThatIsNotAttachedIsAOneLineErrorNamingIt() throws Exception {
        service.create(DiskSpec.of("d1", 1 << 20, BackendType.LOCAL, "esx1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> service.disk("d1").orElseThrow().openAt("mgmt", "nope"));
        assertOneLine("no filter 'nope' is attached to disk d1; disk:info d1 lists its filters", e);
    }

    @Test
    void aHandleFollowsTheChainAsFiltersAreAttachedAboveAndBelowItsTarget() throws Exception {
        List<String> trace = new CopyOnWriteArrayList<>();
        service.create(DiskSpec.of("d1", 1 << 20, BackendType.LOCAL, "esx1"));
        for (Object[] f : new Object[][] {{"top", FilterClass.INSPECTION}, {"mid", FilterClass.ENCRYPTION},
            {"low", FilterClass.CACHE}}) {
            String name = (String) f[0];
            service.factoryAdded(new Factory(name, (FilterClass) f[1], 0, c -> new Recording(name, trace)));
        }
        service.attach("d1", "mid", Map.of());
        try (DiskHandle h = service.disk("d1").orElseThrow().openAt("mgmt", "mid")) {
            h.read(0, ByteBuffer.allocate(4096));
            assertEquals(List.of("mid"), trace);
            service.attach("d1", "top", Map.of());
            service.attach("d1", "low", Map.of());
            trace.clear();
            h.read(0, ByteBuffer.allocate(4096));
            assertEquals(List.of("mid", "low"), trace, "a filter attached above the target is not entered");
        }
    }
}
