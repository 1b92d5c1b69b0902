package io.vstack.storage.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.storage.BackendType;
import io.vstack.api.testing.FakeHosts;
import io.vstack.api.testing.FatImages;
import io.vstack.disks.internal.DiskExport;
import io.vstack.disks.internal.DiskService;
import io.vstack.disks.internal.content.ContentBackend;
import io.vstack.storage.local.internal.LocalFixture;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dynamic content disks over every backend: the app disk lives on the backend under test, the
 * content disk's writable child on a local backend; the content disk, exported through its
 * handle, is checked by {@code fsck.fat} and mtools against the app set, byte for byte; a write
 * to the content disk lands in the child and leaves the app disk as it was.
 */
class ContentDiskConformanceTest {

    @TempDir
    Path dir;

    static List<Named<Function<Path, BackendFixture>>> backends() {
        return Backends.all();
    }

    @ParameterizedTest(name = "app disk on {0}")
    @MethodSource("backends")
    void theExportedContentDiskHoldsTheAppSet(Function<Path, BackendFixture> fixtureOf) throws Exception {
        try (BackendFixture fixture = fixtureOf.apply(Files.createDirectories(dir.resolve("backend")));
             LocalFixture children = new LocalFixture(Files.createDirectories(dir.resolve("children")), 2L << 30)) {
            DiskService disks = new DiskService(dir.resolve("disks"), Duration.ofSeconds(30), disk -> () -> { });
            try {
                String appType = fixture.backend().type().id();
                disks.backendAdded(appType, fixture.backend());
                BackendType childType = new BackendType("children");
                disks.backendAdded(childType.id(), children.backend());
                ContentBackend content = new ContentBackend(dir.resolve("content"), disks);
                disks.backendAdded(ContentBackend.CONTENT.id(), content);
                FakeHosts.withMemory(1 << 20, "esx1").hosts().forEach(disks::hostAdded);
                disks.create(DiskSpec.of("apps", 16L << 20, BackendType.parse(appType), "esx1"));

                Path tree = Files.createDirectories(dir.resolve("tree"));
                Random random = new Random(appType.hashCode());
                write(tree.resolve("Program Files/Office Suite/Word Processor.exe"), random, 300_000);
                write(tree.resolve("Program Files/Office Suite/readme.txt"), random, 1234);
                write(tree.resolve("Program Files/Office Suite/empty.ini"), random, 0);
                write(tree.resolve("a rather long file name that needs several long-name entries.dat"), random, 4096);
                write(tree.resolve("CONFIG.SYS"), random, 17);

                ContentBackend.Created created = content.createContentDisk("office", "apps", List.of(tree), "esx1", childType,
                        1 << 20);
                assertEquals(5, created.files());
                VirtualDisk office = disks.disk("office").orElseThrow();
                assertEquals(List.of("office", "office.fat"), disks.chain("office"));

                Path image = dir.resolve("office.img");
                DiskExport.export(office, image);
                FatImages.assertHolds(image, tree, dir.resolve("out"));

                // A guest write lands in the child; the base and the app disk stay as they were.
                byte[] appBefore = read(disks.disk("apps").orElseThrow(), 0, 64 << 10);
                byte[] block = new byte[4096];
                random.nextBytes(block);
                long last = office.info().capacity() - 4096;
                try (DiskHandle h = office.open("test")) {
                    h.write(last, ByteBuffer.wrap(block));
                    h.flush();
                }
                assertArrayEquals(block, read(office, last, 4096));
                assertArrayEquals(new byte[4096], read(disks.disk("office.fat").orElseThrow(), last, 4096));
                assertArrayEquals(appBefore, read(disks.disk("apps").orElseThrow(), 0, 64 << 10));

                // A second content disk reuses the app set the app disk holds; a second copy is refused.
                content.createContentDisk("office2", "apps", List.of(), "esx1", childType, 1 << 20);
                Path second = dir.resolve("office2.img");
                DiskExport.export(disks.disk("office2").orElseThrow(), second);
                FatImages.assertHolds(second, tree, dir.resolve("out2"));
                DiskException twice = assertThrows(DiskException.class,
                        () -> content.createContentDisk("office3", "apps", List.of(tree), "esx1", childType, 0));
                assertTrue(twice.getMessage().contains("app disk apps holds an app set already"), twice.getMessage());
            } finally {
                disks.close();
            }
        }
    }

    private static void write(Path file, Random random, int size) throws Exception {
        Files.createDirectories(file.getParent());
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        Files.write(file, bytes);
    }

    private static byte[] read(VirtualDisk disk, long offset, int length) throws Exception {
        try (DiskHandle h = disk.open("test")) {
            ByteBuffer b = ByteBuffer.allocate(length);
            h.read(offset, b);
            return b.array();
        }
    }
}
