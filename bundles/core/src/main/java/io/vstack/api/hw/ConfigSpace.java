package io.vstack.api.hw;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The configuration space of a PCI function: 256 bytes (conventional PCI) or 4096 (PCIe),
 * little-endian, with per-bit write masks as on real hardware (read-only bits ignore writes).
 * <p>Thread-safe: each access is atomic. Non-blocking.
 */
@ProviderType
public interface ConfigSpace {

    /** Offset of the 16-bit vendor id. */
    int VENDOR_ID = 0x00;
    /** Offset of the 16-bit device id. */
    int DEVICE_ID = 0x02;
    /** Offset of the 16-bit command register. */
    int COMMAND = 0x04;
    /** Offset of the 16-bit status register. */
    int STATUS = 0x06;
    /** Offset of the revision id byte; the 24-bit class code follows it. */
    int CLASS_CODE = 0x08;
    /** Offset of the first of six 32-bit base address registers. */
    int BAR0 = 0x10;

    /** Size in bytes: 256 or 4096. */
    int size();

    /**
     * Reads {@code width} bytes (1, 2 or 4) at {@code offset}, zero-extended.
     *
     * @throws IllegalArgumentException for a bad width, or an access that is misaligned or out of range
     */
    int read(int offset, int width);

    /**
     * Writes the low {@code width} bytes (1, 2 or 4) of {@code value} at {@code offset}; bits that
     * are read-only on the device keep their value.
     *
     * @throws IllegalArgumentException for a bad width, or an access that is misaligned or out of range
     */
    void write(int offset, int width, int value);
}
