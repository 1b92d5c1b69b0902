package io.vstack.storage.shared.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScsiTargetTest {

    private static final UUID HOLDER = new UUID(0, 1);
    private static final UUID REGISTRANT = new UUID(0, 2);
    private static final UUID STRANGER = new UUID(0, 3);
    private static final long HOLDER_KEY = 0xAAAAL;
    private static final long REGISTRANT_KEY = 0xBBBBL;

    private final MemoryStore store = new MemoryStore(1 << 20);
    private final AtomicReference<Properties> saved = new AtomicReference<>();
    private ScsiTarget target = new ScsiTarget(store, new PersistentReservations(), saved::set);

    /** SPC-3 table 45: who may read and write under each reservation type. */
    static Stream<Arguments> accessMatrix() {
        return Stream.of(
                // type, holder read/write, registrant read/write, non-registrant read/write
                Arguments.of("WE", true, true, true, false, true, false),
                Arguments.of("EA", true, true, false, false, false, false),
                Arguments.of("WERO", true, true, true, true, true, false),
                Arguments.of("EARO", true, true, true, true, false, false),
                Arguments.of("WEAR", true, true, true, true, true, false),
                Arguments.of("EAAR", true, true, true, true, false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accessMatrix")
    void accessMatrix(String typeName, boolean holderRead, boolean holderWrite, boolean registrantRead,
            boolean registrantWrite, boolean strangerRead, boolean strangerWrite) {
        ReservationType type = ReservationType.ofName(typeName);
        assertGood(prOut(HOLDER, PersistentReservations.PrOut.REGISTER, 0, 0, HOLDER_KEY));
        assertGood(prOut(REGISTRANT, PersistentReservations.PrOut.REGISTER, 0, 0, REGISTRANT_KEY));
        assertGood(prOut(HOLDER, PersistentReservations.PrOut.RESERVE, type.code, HOLDER_KEY, 0));

        assertAccess(HOLDER, false, holderRead);
        assertAccess(HOLDER, true, holderWrite);
        assertAccess(REGISTRANT, false, registrantRead);
        assertAccess(REGISTRANT, true, registrantWrite);
        assertAccess(STRANGER, false, strangerRead);
        assertAccess(STRANGER, true, strangerWrite);
    }

    private void assertAccess(UUID initiator, boolean write, boolean allowed) {
        ScsiResult result = write ? write(initiator, 8, block((byte) 7)) : read(initiator, 8);
        assertEquals(allowed ? ScsiResult.GOOD : ScsiResult.RESERVATION_CONFLICT, result.status(),
                initiator + (write ? " write" : " read"));
    }

    @Test
    void registerRulesAndGeneration() {
        assertEquals(ScsiResult.RESERVATION_CONFLICT, prOut(HOLDER, PersistentReservations.PrOut.REGISTER, 0, 5, 9)
                .status(), "unregistered with a non-zero reservation key");
        assertGood(prOut(HOLDER, PersistentReservations.PrOut.REGISTER, 0, 0, HOLDER_KEY));
        assertEquals(ScsiResult.RESERVATION_CONFLICT, prOut(HOLDER, PersistentReservations.PrOut.REGISTER, 0, 1, 2)
                .status(), "wrong current key");
        assertGood(prOut(HOLDER, PersistentReservations.PrOut.REGISTER_AND_IGNORE_EXISTING_KEY, 0, 1, 0x77));
        assertEquals(List.of(0x77L), readKeys().keys);
        assertEquals(2, readKeys().generation);
        assertGood(prOut(HOLDER, PersistentReservations.PrOut.RESERVE, ReservationType.WRITE_EXCLUSIVE.code, 0x77, 0));
        assertEquals(2, readKeys().generation, "RESERVE does not change the generation");
        assertGood(prOut(HOLDER, PersistentReservations.PrOut.REGISTER, 0, 0x77, 0));
        assertEquals(List.of(), readKeys().keys);
        assertEquals(null, target.snapshot().reservationType(), "unregistering the holder releases");
    }

    @Test
    void releaseOfAnotherTypeIsAnIllegalRequest() {
        registerAndReserve(ReservationType.EXCLUSIVE_ACCESS);
        ScsiResult wrongType = prOut(HOLDER, PersistentReservations.PrOut.RELEASE,
                ReservationType.WRITE_EXCLUSIVE.code, HOLDER_KEY, 0);
        assertEquals(ScsiResult.CHECK_CONDITION, wrongType.status());
        assertEquals(ScsiResult.ILLEGAL_REQUEST, wrongType.senseKey());
        assertGood(prOut(REGISTRANT, PersistentReservations.PrOut.RELEASE, ReservationType.EXCLUSIVE_ACCESS.code,
                REGISTRANT_KEY, 0)); // not the holder: no effect
        assertEquals(ReservationType.EXCLUSIVE_ACCESS, target.snapshot().reservationType());
        assertGood(prOut(HOLDER, PersistentReservations.PrOut.RELEASE, ReservationType.EXCLUSIVE_ACCESS.code,
                HOLDER_KEY, 0));
        assertEquals(null, target.snapshot().reservationType());
    }

    @Test
    void preemptTakesTheReservationAndRemovesTheVictim() {
        registerAndReserve(ReservationType.WRITE_EXCLUSIVE);
        assertGood(prOut(REGISTRANT, PersistentReservations.PrOut.PREEMPT_AND_ABORT,
                ReservationType.EXCLUSIVE_ACCESS.code, REGISTRANT_KEY, HOLDER_KEY));
        PersistentReservations state = target.snapshot();
        assertEquals(REGISTRANT, state.holder());
        assertEquals(ReservationType.EXCLUSIVE_ACCESS, state.reservationType());
        assertEquals(List.of(REGISTRANT_KEY), readKeys().keys);
        assertEquals(ScsiResult.RESERVATION_CONFLICT, write(HOLDER, 0, block((byte) 1)).status());
        assertEquals(ScsiResult.RESERVATION_CONFLICT, prOut(HOLDER, PersistentReservations.PrOut.RESERVE,
                ReservationType.EXCLUSIVE_ACCESS.code, HOLDER_KEY, 0).status(), "the preempted key is gone");
        assertEquals(ScsiResult.RESERVATION_CONFLICT, prOut(REGISTRANT, PersistentReservations.PrOut.PREEMPT,
                ReservationType.EXCLUSIVE_ACCESS.code, REGISTRANT_KEY, 0x999).status(), "no such key");
    }

    @Test
    void preemptOfAnAllRegistrantsReservationWithKeyZeroRemovesEveryoneElse() {
        registerAndReserve(ReservationType.WRITE_EXCLUSIVE_ALL_REGISTRANTS);
        assertGood(prOut(STRANGER, PersistentReservations.PrOut.REGISTER, 0, 0, 0xCCCC));
        assertGood(prOut(REGISTRANT, PersistentReservations.PrOut.PREEMPT, ReservationType.WRITE_EXCLUSIVE.code,
                REGISTRANT_KEY, 0));
        assertEquals(List.of(REGISTRANT_KEY), readKeys().keys);
        assertEquals(REGISTRANT, target.snapshot().holder());
    }

    @Test
    void clearRemovesEverything() {
        registerAndReserve(ReservationType.EXCLUSIVE_ACCESS_REGISTRANTS_ONLY);
        assertEquals(ScsiResult.RESERVATION_CONFLICT, prOut(STRANGER, PersistentReservations.PrOut.CLEAR, 0, 0, 0)
                .status());
        assertGood(prOut(REGISTRANT, PersistentReservations.PrOut.CLEAR, 0, REGISTRANT_KEY, 0));
        assertEquals(List.of(), readKeys().keys);
        assertEquals(ScsiResult.GOOD, write(STRANGER, 0, block((byte) 2)).status());
    }

    @Test
    void stateSurvivesARestart() {
        registerAndReserve(ReservationType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY);
        int generation = readKeys().generation;
        target = new ScsiTarget(store, PersistentReservations.fromProperties(saved.get()), saved::set);
        assertEquals(generation, readKeys().generation);
        assertEquals(List.of(HOLDER_KEY, REGISTRANT_KEY), readKeys().keys);
        assertEquals(ReservationType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY, target.snapshot().reservationType());
        assertEquals(HOLDER, target.snapshot().holder());
        assertEquals(ScsiResult.RESERVATION_CONFLICT, write(STRANGER, 0, block((byte) 3)).status());
    }

    @Test
    void aFailedSaveLeavesTheStateAsItWas() {
        target = new ScsiTarget(store, new PersistentReservations(), state -> {
            throw new java.io.IOException("disk full");
        });
        ScsiResult result = prOut(HOLDER, PersistentReservations.PrOut.REGISTER, 0, 0, HOLDER_KEY);
        assertEquals(ScsiResult.CHECK_CONDITION, result.status());
        assertEquals(List.of(), readKeys().keys);
    }

    @Test
    void dataWrittenReadsBack() {
        byte[] data = new byte[ScsiTarget.BLOCK_SIZE * 3];
        new Random(1).nextBytes(data);
        assertGood(write(STRANGER, 100, ByteBuffer.wrap(data)));
        ScsiResult read = read(STRANGER, 100, 3);
        byte[] back = new byte[read.dataIn().remaining()];
        read.dataIn().get(back);
        assertArrayEquals(data, back);
    }

    @Test
    void badCommandsGetErrorStatusesNeverExceptions() {
        long blocks = store.capacity() / ScsiTarget.BLOCK_SIZE;
        assertEquals(ScsiResult.ILLEGAL_REQUEST, target.execute(STRANGER, new byte[] {(byte) 0xC7, 0, 0, 0, 0, 0},
                null).senseKey(), "unknown opcode");
        assertEquals(0x20, target.execute(STRANGER, new byte[] {(byte) 0xC7}, null).asc());
        assertEquals(ScsiResult.CHECK_CONDITION, target.execute(STRANGER, new byte[0], null).status());
        assertEquals(0x24, target.execute(STRANGER, new byte[] {(byte) ScsiTarget.READ_16, 0, 0}, null).asc(),
                "short CDB");
        assertEquals(0x21, read(STRANGER, blocks).asc(), "read past the end");
        assertEquals(0x21, read(STRANGER, Long.MAX_VALUE).asc(), "overflowing LBA");
        assertEquals(0x21, read(STRANGER, -1).asc(), "negative LBA");
        assertEquals(0x1A, write(STRANGER, 0, ByteBuffer.allocate(100)).asc(), "data length differs from CDB");
        assertEquals(0x1A, target.execute(STRANGER, prOutCdb(PersistentReservations.PrOut.REGISTER, 0, 23),
                ByteBuffer.allocate(23)).asc(), "PR OUT parameter list length");
        assertEquals(0x24, target.execute(STRANGER, prOutCdb(0x1F, 0, 24), parameters(0, 1)).asc(),
                "unknown service action");
        assertEquals(0x24, target.execute(STRANGER, prOutCdb(PersistentReservations.PrOut.RESERVE, 0x10, 24),
                parameters(0, 0)).asc(), "scope other than LU");
    }

    @Test
    void noWriteOfAPreemptedInitiatorLandsAfterThePreemptAnswers() throws Exception {
        registerAndReserve(ReservationType.WRITE_EXCLUSIVE_REGISTRANTS_ONLY);
        AtomicBoolean preemptAnswered = new AtomicBoolean();
        AtomicInteger landedAfter = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        store.onWrite = () -> {
            if (preemptAnswered.get()) {
                landedAfter.incrementAndGet();
            }
        };
        CountDownLatch writing = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        AtomicInteger conflicts = new AtomicInteger();
        for (int i = 0; i < 4; i++) {
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    writing.countDown();
                    if (write(HOLDER, 0, block((byte) 9)).status() == ScsiResult.RESERVATION_CONFLICT) {
                        conflicts.incrementAndGet();
                    }
                }
            });
            writer.start();
            writers.add(writer);
        }
        writing.await();
        assertGood(prOut(REGISTRANT, PersistentReservations.PrOut.PREEMPT_AND_ABORT,
                ReservationType.WRITE_EXCLUSIVE.code, REGISTRANT_KEY, HOLDER_KEY));
        preemptAnswered.set(true);
        while (conflicts.get() < 1000) {
            Thread.onSpinWait();
        }
        stop.set(true);
        for (Thread writer : writers) {
            writer.join();
        }
        assertEquals(0, landedAfter.get());
    }

    private void registerAndReserve(ReservationType type) {
        assertGood(prOut(HOLDER, PersistentReservations.PrOut.REGISTER, 0, 0, HOLDER_KEY));
        assertGood(prOut(REGISTRANT, PersistentReservations.PrOut.REGISTER, 0, 0, REGISTRANT_KEY));
        assertGood(prOut(HOLDER, PersistentReservations.PrOut.RESERVE, type.code, HOLDER_KEY, 0));
    }

    private static void assertGood(ScsiResult result) {
        assertEquals(ScsiResult.GOOD, result.status(), result.describe());
    }

    private ScsiResult prOut(UUID initiator, int serviceAction, int type, long key, long serviceActionKey) {
        return target.execute(initiator, prOutCdb(serviceAction, type, 24), parameters(key, serviceActionKey));
    }

    private static byte[] prOutCdb(int serviceAction, int scopeAndType, int parameterLength) {
        ByteBuffer cdb = ByteBuffer.allocate(10);
        cdb.put((byte) ScsiTarget.PERSISTENT_RESERVE_OUT).put((byte) serviceAction).put((byte) scopeAndType);
        cdb.putInt(5, parameterLength);
        return cdb.array();
    }

    private static ByteBuffer parameters(long key, long serviceActionKey) {
        return ByteBuffer.allocate(24).putLong(key).putLong(serviceActionKey).clear();
    }

    private record Keys(int generation, List<Long> keys) {
    }

    private Keys readKeys() {
        byte[] cdb = new byte[10];
        cdb[0] = (byte) ScsiTarget.PERSISTENT_RESERVE_IN;
        cdb[7] = (byte) 0xFF;
        cdb[8] = (byte) 0xFF;
        ByteBuffer data = target.execute(STRANGER, cdb, null).dataIn();
        int generation = data.getInt();
        int length = data.getInt();
        List<Long> keys = new ArrayList<>();
        for (int i = 0; i < length / 8; i++) {
            keys.add(data.getLong());
        }
        return new Keys(generation, keys);
    }

    private static ByteBuffer block(byte fill) {
        byte[] data = new byte[ScsiTarget.BLOCK_SIZE];
        java.util.Arrays.fill(data, fill);
        return ByteBuffer.wrap(data);
    }

    private ScsiResult read(UUID initiator, long lba) {
        return read(initiator, lba, 1);
    }

    private ScsiResult read(UUID initiator, long lba, int blocks) {
        return target.execute(initiator, rwCdb(ScsiTarget.READ_16, lba, blocks), null);
    }

    private ScsiResult write(UUID initiator, long lba, ByteBuffer data) {
        return target.execute(initiator, rwCdb(ScsiTarget.WRITE_16, lba, Math.max(1, data.remaining() / ScsiTarget.BLOCK_SIZE)),
                data.duplicate());
    }

    private static byte[] rwCdb(int opcode, long lba, int blocks) {
        ByteBuffer cdb = ByteBuffer.allocate(16);
        cdb.put((byte) opcode).put((byte) 0).putLong(lba).putInt(blocks);
        return cdb.array();
    }
}
