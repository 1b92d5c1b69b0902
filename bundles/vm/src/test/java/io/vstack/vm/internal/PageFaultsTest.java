package io.vstack.vm.internal;

import io.vstack.api.testing.FakeHosts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.vm.VmSpec;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Post-copy at the destination: a guest access to a missing page faults once, waits, and never loses a write. */
class PageFaultsTest {

    private final FakeHosts hosts = FakeHosts.withMemory(1 << 20, "esx2");

    private GuestRam ram() throws Exception {
        return GuestRam.allocate(hosts.host("esx2").orElseThrow().memory(), 128);
    }

    private static ByteBuffer page(long fill) {
        ByteBuffer b = ByteBuffer.allocate(VmSpec.PAGE_SIZE);
        for (int i = 0; i < VmSpec.PAGE_SIZE; i += 8) {
            b.putLong(i, fill);
        }
        return b;
    }

    @Test
    void anAccessToAMissingPageFaultsOnceAndWaitsUntilThePageIsPlaced() throws Exception {
        GuestRam ram = ram();
        List<Long> faults = new CopyOnWriteArrayList<>();
        CountDownLatch faulted = new CountDownLatch(1);
        long[] missing = new long[2];
        missing[1] = 1L << 3; // page 67
        ram.expectPages(missing, pfn -> {
            faults.add(pfn);
            faulted.countDown();
        });
        assertEquals(1, ram.missingPages());
        ram.write(5, 0, 8, 99); // a present page: no fault
        assertEquals(List.of(), faults);
        Thread vcpu = new Thread(() -> ram.write(67, 8, 8, 1234), "vcpu");
        vcpu.start();
        faulted.await();
        assertEquals(List.of(67L), faults);
        assertTrue(vcpu.isAlive(), "the vCPU waits for the page");
        assertEquals(1, ram.awaitedPages().length);
        assertTrue(ram.placePage(67, page(7)));
        vcpu.join();
        assertEquals(1234, ram.read(67, 8), "the guest's write lands on the placed page");
        assertEquals(7, ram.read(67, 16), "the rest of the page is the source's");
        assertFalse(ram.placePage(67, page(8)), "a second copy does not overwrite the guest's write");
        assertEquals(1234, ram.read(67, 8));
        assertEquals(0, ram.missingPages());
        assertEquals(1, faults.size());
        ram.release();
    }

    @Test
    void aDestroyedVmReleasesItsWaitingVcpus() throws Exception {
        GuestRam ram = ram();
        long[] missing = {-1L, -1L};
        CountDownLatch faulted = new CountDownLatch(1);
        ram.expectPages(missing, pfn -> faulted.countDown());
        Thread vcpu = new Thread(() -> ram.read(3, 0), "vcpu");
        vcpu.start();
        faulted.await();
        ram.cancelFaults();
        vcpu.join();
        assertFalse(vcpu.isAlive());
        ram.release();
    }

    @Test
    void aZeroPageIsPlacedAsZeros() throws Exception {
        GuestRam ram = ram();
        ram.page(9).putLong(0, 5); // stale bytes from an earlier copy
        ram.expectPages(new long[] {1L << 9, 0}, pfn -> { });
        assertTrue(ram.placePage(9, null));
        assertEquals(0, ram.read(9, 0));
        ram.release();
    }
}
