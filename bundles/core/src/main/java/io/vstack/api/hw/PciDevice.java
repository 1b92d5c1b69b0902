package io.vstack.api.hw;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A function on a host's PCI bus.
 * <p>Thread-safe; no method blocks.
 */
@ProviderType
public interface PciDevice {

    /** The device's bus address. */
    PciAddress address();

    /** The vendor id (config space offset 0x00). */
    default int vendorId() {
        return configSpace().read(ConfigSpace.VENDOR_ID, 2);
    }

    /** The device id (config space offset 0x02). */
    default int deviceId() {
        return configSpace().read(ConfigSpace.DEVICE_ID, 2);
    }

    /** The 24-bit class code (base class, subclass, programming interface; offset 0x09). */
    default int classCode() {
        return configSpace().read(ConfigSpace.CLASS_CODE, 4) >>> 8;
    }

    /** A short human description, such as {@code Ethernet controller (vmnic0)}. */
    String description();

    /** The device's configuration space. */
    ConfigSpace configSpace();
}
