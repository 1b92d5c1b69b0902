package io.vstack.storage.shared.internal;

import java.nio.ByteBuffer;

/**
 * The outcome of one SCSI command: its status byte, fixed-format sense data for CHECK
 * CONDITION, and the data-in bytes.
 */
record ScsiResult(int status, byte[] sense, ByteBuffer dataIn) {

    static final int GOOD = 0x00;
    static final int CHECK_CONDITION = 0x02;
    static final int RESERVATION_CONFLICT = 0x18;

    static final int ILLEGAL_REQUEST = 0x5;
    static final int MEDIUM_ERROR = 0x3;
    static final int HARDWARE_ERROR = 0x4;

    private static final byte[] NO_SENSE = new byte[0];
    private static final ByteBuffer NO_DATA = ByteBuffer.allocate(0);

    static final ScsiResult OK = new ScsiResult(GOOD, NO_SENSE, NO_DATA);
    static final ScsiResult CONFLICT = new ScsiResult(RESERVATION_CONFLICT, NO_SENSE, NO_DATA);

    static ScsiResult good(ByteBuffer dataIn) {
        return new ScsiResult(GOOD, NO_SENSE, dataIn);
    }

    /** CHECK CONDITION with fixed-format sense data (SPC-3 4.5.3). */
    static ScsiResult check(int senseKey, int asc, int ascq) {
        byte[] sense = new byte[18];
        sense[0] = 0x70;
        sense[2] = (byte) senseKey;
        sense[7] = 10;
        sense[12] = (byte) asc;
        sense[13] = (byte) ascq;
        return new ScsiResult(CHECK_CONDITION, sense, NO_DATA);
    }

    static ScsiResult invalidOpcode() {
        return check(ILLEGAL_REQUEST, 0x20, 0x00);
    }

    static ScsiResult invalidFieldInCdb() {
        return check(ILLEGAL_REQUEST, 0x24, 0x00);
    }

    static ScsiResult invalidFieldInParameterList() {
        return check(ILLEGAL_REQUEST, 0x26, 0x00);
    }

    static ScsiResult parameterListLengthError() {
        return check(ILLEGAL_REQUEST, 0x1A, 0x00);
    }

    static ScsiResult lbaOutOfRange() {
        return check(ILLEGAL_REQUEST, 0x21, 0x00);
    }

    static ScsiResult invalidRelease() {
        return check(ILLEGAL_REQUEST, 0x26, 0x04);
    }

    /** The sense key of a CHECK CONDITION, -1 otherwise. */
    int senseKey() {
        return sense.length > 2 ? sense[2] & 0xF : -1;
    }

    /** The additional sense code of a CHECK CONDITION, -1 otherwise. */
    int asc() {
        return sense.length > 12 ? sense[12] & 0xFF : -1;
    }

    /** A short description for logs and the shell: {@code GOOD}, {@code RESERVATION CONFLICT}, ... */
    String describe() {
        return switch (status) {
            case GOOD -> "GOOD";
            case RESERVATION_CONFLICT -> "RESERVATION CONFLICT";
            case CHECK_CONDITION -> String.format("CHECK CONDITION (sense key 0x%X, ASC 0x%02X, ASCQ 0x%02X)",
                    senseKey(), asc(), sense[13] & 0xFF);
            default -> String.format("status 0x%02X", status);
        };
    }
}
