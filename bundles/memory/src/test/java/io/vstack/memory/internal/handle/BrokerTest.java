package io.vstack.memory.internal.handle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.memory.Grant;
import io.vstack.api.memory.GrantRefusedException;
import io.vstack.api.memory.GrantRefusedException.Reason;
import io.vstack.api.memory.HandleRevokedException;
import io.vstack.api.memory.InvalidRangeException;
import io.vstack.api.memory.MemoryHandle;
import io.vstack.api.memory.MemoryRegion;
import io.vstack.api.memory.Restrictions;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private Broker broker;
    private MemoryRegion region;

    @BeforeEach
    void open() throws Exception {
        broker = new Broker(dir.resolve("state"), dir.resolve("regions"), 64 << 10, clock, new CopyMeter());
        region = broker.createRegion("alice", 4 * MIB);
    }

    @AfterEach
    void close() {
        broker.close();
    }

    /** The owner's own read-write view of its region's data. */
    private MappedByteBuffer ownerView() throws Exception {
        try (FileChannel ch = FileChannel.open(region.file(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return ch.map(FileChannel.MapMode.READ_WRITE, region.dataOffset(), region.size());
        }
    }

    @Test
    void filesAreOwnerOnly() throws Exception {
        assertEquals("rwx------", mode(dir.resolve("state")));
        assertEquals("rwx------", mode(dir.resolve("regions")));
        assertEquals("rw-------", mode(dir.resolve("state").resolve("broker.key")));
        assertEquals("rw-------", mode(broker.auditFile()));
        assertEquals("rw-------", mode(region.file()));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void readOnlyGrantIsMappedReadOnlyAndOnlyItsRange() throws Exception {
        MappedByteBuffer owner = ownerView();
        PagePattern.fill(owner, 0);
        Grant g = broker.grant(region.id(), "alice", "bob", MIB, MIB,
                new Restrictions(true, Optional.empty(), 0, false));
        try (MemoryHandle h = broker.map(g.token())) {
            assertEquals(MIB, h.size());
            assertEquals(16, h.sectionCount());
            assertEquals(0, h.mappedSections());
            ByteBuffer s = h.slice(4096, 4096);
            assertEquals(1, h.mappedSections());
            assertEquals(PagePattern.word(MIB + 4096), s.getLong(0));
            assertThrows(ReadOnlyBufferException.class, () -> s.putLong(0, 42));
            assertEquals(PagePattern.word(MIB + 4096), owner.getLong((int) (MIB + 4096)));
            assertEquals(64 << 10, h.section(0).buffer().capacity());
            assertThrows(InvalidRangeException.class, () -> h.slice(MIB, 1));
            assertThrows(InvalidRangeException.class, () -> h.slice(-1, 1));
            assertThrows(InvalidRangeException.class, () -> h.slice(Long.MAX_VALUE - 1, 8));
            assertThrows(InvalidRangeException.class, () -> h.slice((64 << 10) - 8, 16));
            assertThrows(InvalidRangeException.class, () -> h.section(16));
        }
    }

    @Test
    void writableHandleWritesTheOwnersMemory() throws Exception {
        MappedByteBuffer owner = ownerView();
        Grant g = broker.grant(region.id(), "alice", "bob", 0, MIB, Restrictions.NONE);
        try (MemoryHandle h = broker.map(g.token())) {
            h.slice(8192, 8).putLong(0, 0x1234L);
        }
        assertEquals(0x1234L, owner.getLong(8192));
    }

    @Test
    void refusalsAreNamed() throws Exception {
        Grant limited = broker.grant(region.id(), "alice", "bob", 0, MIB,
                new Restrictions(true, Optional.of(clock.instant().plusSeconds(60)), 1, true));
        broker.map(limited.token()).close();
        assertEquals(Reason.MAX_MAPS, refusal(() -> broker.map(limited.token())));
        assertEquals(Reason.NO_REGRANT, refusal(() -> broker.regrant(limited.token(), "carol", 0, 4096, Restrictions.NONE)));
        assertEquals(Reason.NOT_OWNER, refusal(() -> broker.grant(region.id(), "mallory", "m", 0, 4096, Restrictions.NONE)));

        Grant parent = broker.grant(region.id(), "alice", "bob", 0, MIB,
                new Restrictions(true, Optional.of(clock.instant().plusSeconds(60)), 2, false));
        assertEquals(Reason.WIDENING, refusal(() -> broker.regrant(parent.token(), "c", 0, 4096, Restrictions.NONE)));
        assertThrows(InvalidRangeException.class, () -> broker.regrant(parent.token(), "c", 0, 2 * MIB,
                new Restrictions(true, Optional.of(clock.instant()), 1, false)));
        Grant child = broker.regrant(parent.token(), "carol", 4096, 4096,
                new Restrictions(true, Optional.of(clock.instant().plusSeconds(30)), 1, false));
        assertEquals(4096, child.offset());

        String forged = parent.token().substring(0, 20) + (parent.token().charAt(20) == 'A' ? 'B' : 'A')
                + parent.token().substring(21);
        assertEquals(Reason.FORGED, refusal(() -> broker.map(forged)));
        assertEquals(Reason.FORGED, refusal(() -> broker.map("vmg1.garbage")));

        clock.advance(Duration.ofSeconds(61));
        assertEquals(Reason.EXPIRED, refusal(() -> broker.map(parent.token())));
        String audit = Files.readString(broker.auditFile());
        for (String event : new String[] {" GRANT ", " MAP ", " REFUSE "}) {
            assertTrue(audit.contains(event), event);
        }
    }

    private static Reason refusal(Action a) {
        return assertThrows(GrantRefusedException.class, a::run).reason();
    }

    private interface Action {
        void run() throws Exception;
    }

    @Test
    void revokeStopsNewMapsAndFailsTheChecksOfMappedHandlesAndChildren() throws Exception {
        Grant g = broker.grant(region.id(), "alice", "bob", 0, MIB, Restrictions.NONE);
        Grant child = broker.regrant(g.token(), "carol", 0, 4096, Restrictions.NONE);
        MemoryHandle h = broker.map(g.token());
        MemoryHandle c = broker.map(child.token());
        h.check();
        broker.revoke(g.id(), false);
        assertThrows(HandleRevokedException.class, h::check);
        assertThrows(HandleRevokedException.class, c::check);
        assertEquals(Reason.REVOKED, refusal(() -> broker.map(g.token())));
        assertEquals(Reason.REVOKED, refusal(() -> broker.map(child.token())));
        // Another grant of the region is untouched, also one issued on the freed slot.
        Grant other = broker.grant(region.id(), "alice", "dave", 0, MIB, Restrictions.NONE);
        broker.map(other.token()).check();
        assertThrows(HandleRevokedException.class, h::check);
    }

    @Test
    void hardRevokeReplacesTheFileSoTheRevokedHolderNoLongerReachesIt() throws Exception {
        MappedByteBuffer owner = ownerView();
        PagePattern.fill(owner, 0);
        Object inodeBefore = Files.readAttributes(region.file(), "unix:ino").get("ino");
        Grant g = broker.grant(region.id(), "alice", "bob", 0, MIB, Restrictions.NONE);
        MemoryHandle h = broker.map(g.token());
        ByteBuffer held = h.slice(0, 4096);
        broker.revoke(g.id(), true);

        assertNotEquals(inodeBefore, Files.readAttributes(region.file(), "unix:ino").get("ino"));
        assertThrows(HandleRevokedException.class, h::check);
        held.putLong(0, 0xBADL);
        try (FileChannel ch = FileChannel.open(region.file(), StandardOpenOption.READ)) {
            ByteBuffer now = ch.map(FileChannel.MapMode.READ_ONLY, region.dataOffset(), region.size());
            assertEquals(PagePattern.word(0), now.getLong(0), "the revoked holder's write reached the new file");
            assertEquals(-1, PagePattern.firstMismatch(now, 0), "data kept by the copy");
        }
        assertEquals(1, broker.regions().get(0).generation());
        assertTrue(broker.bytesCopied() >= region.size(), "the copy is counted");
        Grant again = broker.grant(region.id(), "alice", "bob", 0, MIB, Restrictions.NONE);
        try (MemoryHandle fresh = broker.map(again.token())) {
            fresh.check();
            assertEquals(PagePattern.word(0), fresh.slice(0, 8).getLong(0));
        }
        assertTrue(Files.readString(broker.auditFile()).contains(" HARD_REVOKE "));
    }

    @Test
    void badRangesAndSizesAreRefused() {
        assertThrows(InvalidRangeException.class, () -> broker.grant(region.id(), "alice", "b", -4096, 4096, Restrictions.NONE));
        assertThrows(InvalidRangeException.class, () -> broker.grant(region.id(), "alice", "b", 0, 0, Restrictions.NONE));
        assertThrows(InvalidRangeException.class, () -> broker.grant(region.id(), "alice", "b", 100, 4096, Restrictions.NONE));
        assertThrows(InvalidRangeException.class, () -> broker.grant(region.id(), "alice", "b", 4096, Long.MAX_VALUE - 4095,
                Restrictions.NONE));
        assertThrows(InvalidRangeException.class, () -> broker.grant(region.id(), "alice", "b", 0, 8 * MIB, Restrictions.NONE));
        assertThrows(InvalidRangeException.class, () -> broker.createRegion("a", 4095));
        assertThrows(InvalidRangeException.class, () -> broker.createRegion("a", -4096));
    }
}
