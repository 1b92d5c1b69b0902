package io.vstack.storage.shared.internal;

/**
 * The six SPC-3 persistent reservation types, with the access each grants. The holder of a
 * reservation may always read and write; the others' access depends on the type and on whether
 * they are registered (SPC-3 table 45).
 */
enum ReservationType {
    WRITE_EXCLUSIVE(0x1, "WE", false, true),
    EXCLUSIVE_ACCESS(0x3, "EA", false, false),
    WRITE_EXCLUSIVE_REGISTRANTS_ONLY(0x5, "WERO", true, true),
    EXCLUSIVE_ACCESS_REGISTRANTS_ONLY(0x6, "EARO", true, false),
    WRITE_EXCLUSIVE_ALL_REGISTRANTS(0x7, "WEAR", true, true),
    EXCLUSIVE_ACCESS_ALL_REGISTRANTS(0x8, "EAAR", true, false);

    final int code;
    final String shortName;
    /** Registrants that do not hold the reservation may read and write. */
    private final boolean registrantsHaveAccess;
    /** Everyone may read; only writes are restricted. */
    private final boolean othersMayRead;

    ReservationType(int code, String shortName, boolean registrantsHaveAccess, boolean othersMayRead) {
        this.code = code;
        this.shortName = shortName;
        this.registrantsHaveAccess = registrantsHaveAccess;
        this.othersMayRead = othersMayRead;
    }

    /** Every registrant is a holder: the reservation lasts until the last registrant goes. */
    boolean allRegistrants() {
        return this == WRITE_EXCLUSIVE_ALL_REGISTRANTS || this == EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    /** Whether an initiator that is not the holder may perform the access. */
    boolean allows(boolean registered, boolean write) {
        if (registered && registrantsHaveAccess) {
            return true;
        }
        return !write && othersMayRead;
    }

    static ReservationType ofCode(int code) {
        for (ReservationType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }

    static ReservationType ofName(String name) {
        for (ReservationType type : values()) {
            if (type.shortName.equalsIgnoreCase(name)) {
                return type;
            }
        }
        return null;
    }
}
