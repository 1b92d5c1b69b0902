package io.vstack.disks.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskSpec;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.filter.FilterAttachment;
import io.vstack.api.filter.FilterClass;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.MissingFilterPolicy;
import io.vstack.api.io.FilterFailedException;
import io.vstack.api.io.FilterTimeoutException;
import io.vstack.api.io.FilterUnavailableException;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import io.vstack.api.storage.BackendType;
import io.vstack.api.storage.StorageBackend;
import io.vstack.disks.internal.TestSupport.Factory;
import io.vstack.disks.internal.TestSupport.MemoryBackend;
import io.vstack.disks.internal.TestSupport.Recording;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The filter framework's failure paths: a missing filter is never bypassed unless its policy
 * says so (also at start-up), a held request is timed out and its caller fails by name, a detach
 * or a factory's removal never waits for ever, a filter's exceptions are visible, secrets stay
 * hidden.
 */
class FailSafeTest extends DiskServiceFixture {

    private static final int BLOCK = 4096;
    private final MemoryBackend backend = new MemoryBackend(1);

    @Override
    Map<String, StorageBackend> backends() {
        return Map.of("local", backend);
    }

    private VirtualDisk create(DiskService s, String name) throws Exception {
        return s.create(DiskSpec.of(name, 1 << 20, BackendType.LOCAL, "esx1"));
    }

    /** An encrypting filter: XORs every byte with {@code key} on the way down and up (a stand-in for AES-CTR). */
    private static IoFilter xor(byte key) {
        return (request, next) -> {
            if (request.op() == IoOp.WRITE) {
                ByteBuffer src = request.buffer();
                ByteBuffer out = ByteBuffer.allocate(src.remaining());
                for (int i = src.position(); i < src.limit(); i++) {
                    out.put((byte) (src.get(i) ^ key));
                }
                next.proceed(IoRequest.of(IoOp.WRITE, request.diskId(), request.offset(), request.length(), out.flip(),
                        request.origin()));
            } else {
                ByteBuffer dst = request.buffer();
                int start = dst.position();
                int end = dst.limit();
                next.proceed(request);
                if (request.op() == IoOp.READ) {
                    for (int i = start; i < end; i++) {
                        dst.put(i, (byte) (dst.get(i) ^ key));
                    }
                }
            }
        };
    }

    private static ByteBuffer text(String s) {
        ByteBuffer b = ByteBuffer.allocate(BLOCK);
        b.put(s.getBytes(StandardCharsets.US_ASCII));
        return b.clear();
    }

    private static String read(DiskHandle h, long offset) throws IoException {
        ByteBuffer b = ByteBuffer.allocate(BLOCK);
        h.read(offset, b);
        return new String(b.array(), 0, 9, StandardCharsets.US_ASCII);
    }

    @Test
    void anEncryptionFilterWhoseFactoryGoesAwayHoldsIoUntilItReturnsAndNoPlaintextReachesTheStore() throws Exception {
        Factory aes = new Factory("aes", FilterClass.ENCRYPTION, 0, c -> xor((byte) 0x5a));
        service.factoryAdded(aes);
        VirtualDisk disk = create(service, "d1");
        service.attach("d1", "aes", Map.of());
        assertEquals(MissingFilterPolicy.HOLD, disk.info().filters().get(0).onMissing(), "the default for encryption");
        DiskHandle h = disk.open("t");
        h.write(0, text("plaintext"));

        service.factoryRemoved(aes);
        assertFalse(disk.info().filters().get(0).active());
        Future<?> write = pool.submit(() -> {
            h.write(BLOCK, text("secret-02"));
            return null;
        });
        Future<String> reading = pool.submit(() -> read(h, 0));
        waitUntil(() -> ((DiskRuntime) disk).chain().gates != null);
        assertFalse(write.isDone(), "the write waits for the filter: it must not reach the store in plaintext");
        assertFalse(reading.isDone(), "the read waits for the filter: it must not return ciphertext");

        service.factoryAdded(new Factory("aes", FilterClass.ENCRYPTION, 0, c -> xor((byte) 0x5a)));
        write.get(30, TimeUnit.SECONDS);
        assertEquals("plaintext", reading.get(30, TimeUnit.SECONDS));
        assertEquals("secret-02", read(h, BLOCK));
        assertNoPlaintextInTheStore("plaintext", "secret-02");
        h.close();
    }

    private void assertNoPlaintextInTheStore(String... texts) throws Exception {
        ByteBuffer raw = backend.stores.get("d1").duplicate();
        byte[] bytes = new byte[2 * BLOCK];
        raw.get(bytes);
        String stored = new String(bytes, StandardCharsets.ISO_8859_1);
        for (String t : texts) {
            assertFalse(stored.contains(t), "plaintext '" + t + "' reached the store");
        }
    }

    @Test
    void heldIoFailsByNameAtTheDeadlineAndTheFailPolicyFailsAtOnce() throws Exception {
        DiskService s = newService(Duration.ofMillis(200));
        Factory aes = new Factory("aes", FilterClass.ENCRYPTION, 0, c -> xor((byte) 1));
        Factory zip = new Factory("zip", FilterClass.COMPRESSION, 0, c -> new Recording("zip", null));
        s.factoryAdded(aes);
        s.factoryAdded(zip);
        create(s, "d1");
        create(s, "d2");
        s.attach("d1", "aes", Map.of());
        s.attach("d2", "zip", Map.of(MissingFilterPolicy.CONFIG_KEY, "fail"));
        assertEquals(Map.of(), s.disk("d2").orElseThrow().info().filters().get(0).config(), "onMissing is the framework's");
        s.factoryRemoved(aes);
        s.factoryRemoved(zip);

        DiskHandle h1 = s.disk("d1").orElseThrow().open("t");
        FilterUnavailableException held = assertThrows(FilterUnavailableException.class, () -> h1.write(0, text("x")));
        assertEquals("aes", held.filter());
        assertOneLine("disk d1: filter aes is attached but not present; I/O through it waited 200ms (filterTimeout) "
                + "and fails (onMissing=hold)", held);
        DiskHandle h2 = s.disk("d2").orElseThrow().open("t");
        FilterUnavailableException failed = assertThrows(FilterUnavailableException.class, () -> h2.write(0, text("x")));
        assertOneLine("disk d2: filter zip is attached but not present; I/O through it fails (onMissing=fail)", failed);
        assertEquals(0, backend.writes.get(), "nothing reached the storage");
        h1.close();
        h2.close();
    }

    @Test
    void atStartUpDisksHoldIoUntilTheirFiltersLinkAndAnInspectionFilterIsBypassed() throws Exception {
        service.factoryAdded(new Factory("aes", FilterClass.ENCRYPTION, 0, c -> xor((byte) 7)));
        service.factoryAdded(new Factory("stats", FilterClass.INSPECTION, 0, c -> new Recording("stats", null)));
        create(service, "d1");
        create(service, "d2");
        service.attach("d1", "aes", Map.of());
        service.attach("d2", "stats", Map.of());
        DiskHandle h = service.disk("d1").orElseThrow().open("t");
        h.write(0, text("plaintext"));
        h.close();
        service.close();

        DiskService restarted = newService();
        DiskHandle d2 = restarted.disk("d2").orElseThrow().open("t");
        d2.write(0, text("unfiltered"));
        FilterAttachment stats = restarted.disk("d2").orElseThrow().info().filters().get(0);
        assertFalse(stats.active());
        assertEquals(MissingFilterPolicy.BYPASS, stats.onMissing(), "an inspection filter may be bypassed");
        DiskHandle d1 = restarted.disk("d1").orElseThrow().open("t");
        Future<String> early = pool.submit(() -> read(d1, 0));
        waitUntil(() -> ((DiskRuntime) restarted.disk("d1").orElseThrow()).chain().gates != null);
        assertFalse(early.isDone(), "a read before the filter links waits: it must not return ciphertext");
        restarted.factoryAdded(new Factory("aes", FilterClass.ENCRYPTION, 0, c -> xor((byte) 7)));
        assertEquals("plaintext", early.get(30, TimeUnit.SECONDS));
        d1.close();
        d2.close();
    }

    @Test
    void aTimedOutRequestDiscardsTheLateCompletionAndTheDiskStaysUsable() throws Exception {
        DiskService s = newService(Duration.ofMillis(100));
        AtomicBoolean hold = new AtomicBoolean(true);
        CountDownLatch cancelled = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        // Ignores interrupts; lets go only when cancelled, and then completes the write below (late).
        s.factoryAdded(new Factory("sticky", FilterClass.REPLICATION, 0, c -> new IoFilter() {
            @Override
            public void submit(IoRequest request, IoChain next) throws IoException {
                if (hold.get()) {
                    entered.countDown();
                    while (cancelled.getCount() > 0) {
                        Thread.onSpinWait();
                    }
                }
                next.proceed(request);
            }

            @Override
            public void cancel(IoRequest request) {
                cancelled.countDown();
            }
        }));
        VirtualDisk disk = create(s, "d1");
        s.attach("d1", "sticky", Map.of());
        DiskHandle h = disk.open("t");
        Future<?> write = pool.submit(() -> {
            h.write(0, text("late-data"));
            return null;
        });
        assertTrue(entered.await(30, TimeUnit.SECONDS));
        waitUntil(() -> {
            s.scanHeld(System.nanoTime()); // the watchdog's scan, run here
            return write.isDone();
        });
        ExecutionException e = assertThrows(ExecutionException.class, write::get);
        assertInstanceOf(FilterTimeoutException.class, e.getCause());
        assertEquals(0, cancelled.getCount(), "the filter was asked to let go");
        hold.set(false);
        h.write(BLOCK, text("next-data"));
        assertEquals("next-data", read(h, BLOCK));
        assertFalse(Thread.currentThread().isInterrupted());
        h.close();
    }

    @Test
    void aDetachOfAFilterThatNeverLetsGoIsRefusedAtTheDeadlineAndForcedWithForce() throws Exception {
        DiskService s = newService(Duration.ofMillis(100));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        s.factoryAdded(new Factory("wedged", FilterClass.INSPECTION, 0, c -> (request, next) -> {
            entered.countDown();
            boolean interrupted = false;
            while (never.getCount() > 0) {
                try {
                    never.await();
                } catch (InterruptedException ignored) {
                    interrupted = true; // a badly written filter: swallows the interrupt and goes on waiting
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }));
        VirtualDisk disk = create(s, "d1");
        s.attach("d1", "wedged", Map.of());
        DiskHandle h = disk.open("t");
        pool.submit(() -> {
            h.write(0, text("stuck-one"));
            return null;
        });
        assertTrue(entered.await(30, TimeUnit.SECONDS));

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> s.detach("d1", "wedged", false));
        assertOneLine("filter wedged on disk d1 still holds 1 request(s) after 600ms; nothing changed. --force", refused);
        assertEquals(1, disk.info().filters().size(), "still attached");
        assertTrue(disk.info().filters().get(0).active());

        s.detach("d1", "wedged", true);
        assertTrue(disk.info().filters().isEmpty());
        h.write(BLOCK, text("after-one"));
        assertEquals("after-one", read(h, BLOCK));
        never.countDown();
        h.close();
    }

    @Test
    void aFiltersFirstExceptionIsRecordedWithWhereItWasThrown() throws Exception {
        service.factoryAdded(new Factory("buggy", FilterClass.INSPECTION, 0, c -> (request, next) -> {
            String missing = null;
            missing.length();
        }));
        VirtualDisk disk = create(service, "d1");
        service.attach("d1", "buggy", Map.of());
        DiskHandle h = disk.open("t");
        for (int i = 0; i < 3; i++) {
            FilterFailedException e = assertThrows(FilterFailedException.class, () -> h.write(0, text("x")));
            assertOneLine("filter buggy failed a request on disk d1: java.lang.NullPointerException", e);
        }
        DiskAdmin.FilterReport report = service.filterReports().get(0);
        assertEquals(3, report.failures());
        assertTrue(report.lastError().contains(" at io.vstack.disks.internal.FailSafeTest"), report.lastError());
        h.close();
    }

    @Test
    void secretConfigValuesAreRedactedAndTheMetadataIsReadableByItsOwnerOnly() throws Exception {
        Factory aes = new Factory("aes", FilterClass.ENCRYPTION, 0, c -> xor((byte) 3)).withSecretKeys(Set.of("key"));
        service.factoryAdded(aes);
        VirtualDisk disk = create(service, "d1");
        FilterAttachment a = service.attach("d1", "aes", Map.of("key", "00112233", "mode", "ctr"));
        assertEquals(Map.of("key", FilterAttachment.REDACTED, "mode", "ctr"), a.redactedConfig());
        service.factoryRemoved(aes);
        FilterAttachment inactive = disk.info().filters().get(0);
        assertFalse(inactive.active());
        assertEquals(Map.of("key", FilterAttachment.REDACTED, "mode", "ctr"), inactive.redactedConfig(),
                "still hidden while the factory is absent");
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(dir.resolve("d1.disk")));
        assertNull(service.filterReports().get(0).lastError());
    }
}
