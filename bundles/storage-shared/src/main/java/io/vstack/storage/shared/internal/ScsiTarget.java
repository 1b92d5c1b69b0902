package io.vstack.storage.shared.internal;

import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One shared logical unit: executes the SCSI commands that initiators tunnel to it (SPC-3 /
 * SBC-3 layouts) against a {@link BlockStore}, under persistent reservations.
 * <p>Medium access checks the reservation and performs the I/O under a read lock; every
 * PERSISTENT RESERVE OUT takes the write lock, so when a PREEMPT AND ABORT answers, the
 * preempted initiators' commands that were admitted have completed and any later one meets
 * the new state: none of their writes lands after the answer. The reservation state is
 * persisted (as with APTPL set) before a PR OUT answers.
 */
final class ScsiTarget {

    static final int BLOCK_SIZE = 512;
    /** The largest transfer one command may move (the protocol's frame limit keeps below it). */
    static final int MAX_TRANSFER_BLOCKS = 2048;

    static final int TEST_UNIT_READY = 0x00;
    static final int INQUIRY = 0x12;
    static final int PERSISTENT_RESERVE_IN = 0x5E;
    static final int PERSISTENT_RESERVE_OUT = 0x5F;
    static final int READ_16 = 0x88;
    static final int WRITE_16 = 0x8A;
    static final int SYNCHRONIZE_CACHE_16 = 0x91;
    static final int SERVICE_ACTION_IN_16 = 0x9E;
    static final int READ_CAPACITY_16 = 0x10;

    /** Where the reservation state is kept across restarts. */
    interface StateStore {
        void save(Properties state) throws IOException;
    }

    private final BlockStore store;
    private final StateStore stateStore;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private PersistentReservations reservations;

    ScsiTarget(BlockStore store, PersistentReservations reservations, StateStore stateStore) {
        this.store = store;
        this.reservations = reservations;
        this.stateStore = stateStore;
    }

    long blocks() {
        return store.capacity() / BLOCK_SIZE;
    }

    /** Executes one command from {@code initiator}; never throws for a bad command. */
    ScsiResult execute(UUID initiator, byte[] cdb, ByteBuffer dataOut) {
        if (cdb.length == 0) {
            return ScsiResult.invalidOpcode();
        }
        int opcode = cdb[0] & 0xFF;
        return switch (opcode) {
            case TEST_UNIT_READY -> cdb.length >= 6 ? ScsiResult.OK : ScsiResult.invalidFieldInCdb();
            case INQUIRY -> inquiry(cdb);
            case SERVICE_ACTION_IN_16 -> (cdb.length >= 16 && (cdb[1] & 0x1F) == READ_CAPACITY_16)
                    ? readCapacity() : ScsiResult.invalidFieldInCdb();
            case READ_16, WRITE_16 -> readWrite(initiator, cdb, dataOut, opcode == WRITE_16);
            case SYNCHRONIZE_CACHE_16 -> synchronizeCache(initiator, cdb);
            case PERSISTENT_RESERVE_IN -> reserveIn(cdb);
            case PERSISTENT_RESERVE_OUT -> reserveOut(initiator, cdb, dataOut);
            default -> ScsiResult.invalidOpcode();
        };
    }

    private ScsiResult inquiry(byte[] cdb) {
        if (cdb.length < 6 || (cdb[1] & 0x01) != 0) {
            return ScsiResult.invalidFieldInCdb(); // vital product data pages are not offered
        }
        ByteBuffer data = ByteBuffer.allocate(36);
        data.put((byte) 0x00);               // direct-access block device
        data.put((byte) 0x00);
        data.put((byte) 0x05);               // SPC-3
        data.put((byte) 0x02);               // response data format 2
        data.put((byte) 31);                 // additional length
        data.put(new byte[3]);
        data.put(ascii("VSTACK", 8)).put(ascii("SHARED DISK", 16)).put(ascii("0.2", 4));
        return ScsiResult.good(data.flip());
    }

    private static byte[] ascii(String text, int width) {
        byte[] field = new byte[width];
        Arrays.fill(field, (byte) ' ');
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, field, 0, Math.min(width, bytes.length));
        return field;
    }

    private ScsiResult readCapacity() {
        ByteBuffer data = ByteBuffer.allocate(32);
        data.putLong(blocks() - 1).putInt(BLOCK_SIZE);
        return ScsiResult.good(data.clear());
    }

    private ScsiResult readWrite(UUID initiator, byte[] cdb, ByteBuffer dataOut, boolean write) {
        if (cdb.length < 16) {
            return ScsiResult.invalidFieldInCdb();
        }
        ByteBuffer fields = ByteBuffer.wrap(cdb);
        long lba = fields.getLong(2);
        long blocks = Integer.toUnsignedLong(fields.getInt(10));
        if (blocks > MAX_TRANSFER_BLOCKS) {
            return ScsiResult.invalidFieldInCdb();
        }
        if (lba < 0 || lba > blocks() || blocks > blocks() - lba) {
            return ScsiResult.lbaOutOfRange();
        }
        int length = (int) blocks * BLOCK_SIZE;
        if (write && (dataOut == null || dataOut.remaining() != length)) {
            return ScsiResult.parameterListLengthError();
        }
        lock.readLock().lock();
        try {
            if (!reservations.mayAccess(initiator, write)) {
                return ScsiResult.CONFLICT;
            }
            if (write) {
                store.write(lba * BLOCK_SIZE, dataOut);
                return ScsiResult.OK;
            }
            ByteBuffer data = ByteBuffer.allocate(length);
            store.read(lba * BLOCK_SIZE, data);
            return ScsiResult.good(data.flip());
        } catch (StorageException | RuntimeException e) {
            return write ? ScsiResult.check(ScsiResult.HARDWARE_ERROR, 0x0C, 0x00)
                    : ScsiResult.check(ScsiResult.MEDIUM_ERROR, 0x11, 0x00);
        } finally {
            lock.readLock().unlock();
        }
    }

    private ScsiResult synchronizeCache(UUID initiator, byte[] cdb) {
        if (cdb.length < 16) {
            return ScsiResult.invalidFieldInCdb();
        }
        lock.readLock().lock();
        try {
            if (!reservations.mayAccess(initiator, true)) {
                return ScsiResult.CONFLICT;
            }
            store.flush();
            return ScsiResult.OK;
        } catch (StorageException | RuntimeException e) {
            return ScsiResult.check(ScsiResult.HARDWARE_ERROR, 0x0C, 0x00);
        } finally {
            lock.readLock().unlock();
        }
    }

    private ScsiResult reserveIn(byte[] cdb) {
        if (cdb.length < 10) {
            return ScsiResult.invalidFieldInCdb();
        }
        int allocation = ((cdb[7] & 0xFF) << 8) | (cdb[8] & 0xFF);
        ByteBuffer data;
        lock.readLock().lock();
        try {
            switch (cdb[1] & 0x1F) {
                case 0x00 -> { // READ KEYS
                    Map<UUID, Long> keys = reservations.registrations();
                    data = ByteBuffer.allocate(8 + 8 * keys.size());
                    data.putInt(reservations.generation()).putInt(8 * keys.size());
                    reservations.registrations().values().forEach(data::putLong);
                }
                case 0x01 -> { // READ RESERVATION
                    ReservationType type = reservations.reservationType();
                    data = ByteBuffer.allocate(type == null ? 8 : 24);
                    data.putInt(reservations.generation()).putInt(type == null ? 0 : 16);
                    if (type != null) {
                        data.putLong(reservations.reservationKey()).putInt(0).put((byte) 0).put((byte) type.code)
                                .putShort((short) 0);
                    }
                }
                default -> {
                    return ScsiResult.invalidFieldInCdb();
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        data.flip();
        data.limit(Math.min(data.limit(), allocation));
        return ScsiResult.good(data);
    }

    private ScsiResult reserveOut(UUID initiator, byte[] cdb, ByteBuffer dataOut) {
        if (cdb.length < 10) {
            return ScsiResult.invalidFieldInCdb();
        }
        ByteBuffer fields = ByteBuffer.wrap(cdb);
        int serviceAction = cdb[1] & 0x1F;
        int scope = (cdb[2] & 0xF0) >> 4;
        int typeCode = cdb[2] & 0x0F;
        long parameterLength = Integer.toUnsignedLong(fields.getInt(5));
        if (scope != 0) {
            return ScsiResult.invalidFieldInCdb(); // only LU_SCOPE exists
        }
        if (parameterLength != 24 || dataOut == null || dataOut.remaining() != 24) {
            return ScsiResult.parameterListLengthError();
        }
        ByteBuffer parameters = dataOut.slice();
        long key = parameters.getLong(0);
        long serviceActionKey = parameters.getLong(8);
        if ((parameters.get(20) & 0x0C) != 0) {
            return ScsiResult.invalidFieldInParameterList(); // SPEC_I_PT and ALL_TG_PT are not offered
        }
        lock.writeLock().lock();
        try {
            Properties before = reservations.toProperties();
            ScsiResult result = reservations.out(initiator, serviceAction, ReservationType.ofCode(typeCode), key,
                    serviceActionKey);
            if (result.status() == ScsiResult.GOOD) {
                try {
                    stateStore.save(reservations.toProperties());
                } catch (IOException e) {
                    reservations = PersistentReservations.fromProperties(before);
                    return ScsiResult.check(ScsiResult.HARDWARE_ERROR, 0x0C, 0x00);
                }
            }
            return result;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** A consistent copy of the reservation state, for the shell. */
    PersistentReservations snapshot() {
        lock.readLock().lock();
        try {
            return PersistentReservations.fromProperties(reservations.toProperties());
        } finally {
            lock.readLock().unlock();
        }
    }
}
