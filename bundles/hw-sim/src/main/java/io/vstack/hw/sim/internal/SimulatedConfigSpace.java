package io.vstack.hw.sim.internal;

import io.vstack.api.hw.ConfigSpace;

/**
 * A PCI function's configuration space: bytes plus a write mask per byte. Writes change only the
 * bits the mask allows, which is also how BAR sizing works on real hardware: writing all ones to
 * a BAR reads back the size mask.
 */
final class SimulatedConfigSpace implements ConfigSpace {

    private final byte[] bytes;
    private final byte[] writable;

    private SimulatedConfigSpace(int size) {
        this.bytes = new byte[size];
        this.writable = new byte[size];
    }

    /**
     * A type-0 header: ids, class code, a writable command register (I/O, memory, bus master,
     * parity, SERR, interrupt disable), interrupt line, and memory BARs of the given sizes.
     */
    static SimulatedConfigSpace type0(int vendorId, int deviceId, int classCode, int revision, int... barSizes) {
        SimulatedConfigSpace space = new SimulatedConfigSpace(256);
        space.set(VENDOR_ID, 2, vendorId);
        space.set(DEVICE_ID, 2, deviceId);
        space.set(STATUS, 2, 0x0010);                        // capabilities list present
        space.set(CLASS_CODE, 4, (classCode << 8) | (revision & 0xff));
        space.set(0x2c, 2, vendorId);                        // subsystem vendor id
        space.set(0x2e, 2, deviceId);                        // subsystem id
        space.mask(COMMAND, 2, 0x0547);
        space.mask(0x3c, 1, 0xff);                           // interrupt line
        space.set(0x3d, 1, 1);                               // interrupt pin INTA
        for (int i = 0; i < barSizes.length && i < 6; i++) {
            int size = barSizes[i];
            if (Integer.bitCount(size) != 1 || size < 16) {
                throw new IllegalArgumentException("BAR size must be a power of two of at least 16: " + size);
            }
            space.mask(BAR0 + 4 * i, 4, ~(size - 1));
        }
        return space;
    }

    @Override
    public int size() {
        return bytes.length;
    }

    @Override
    public synchronized int read(int offset, int width) {
        check(offset, width);
        int value = 0;
        for (int i = width - 1; i >= 0; i--) {
            value = (value << 8) | (bytes[offset + i] & 0xff);
        }
        return value;
    }

    @Override
    public synchronized void write(int offset, int width, int value) {
        check(offset, width);
        for (int i = 0; i < width; i++) {
            byte mask = writable[offset + i];
            byte incoming = (byte) (value >>> (8 * i));
            bytes[offset + i] = (byte) ((bytes[offset + i] & ~mask) | (incoming & mask));
        }
    }

    private void set(int offset, int width, int value) {
        for (int i = 0; i < width; i++) {
            bytes[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    private void mask(int offset, int width, int mask) {
        for (int i = 0; i < width; i++) {
            writable[offset + i] = (byte) (mask >>> (8 * i));
        }
    }

    private void check(int offset, int width) {
        if (width != 1 && width != 2 && width != 4) {
            throw new IllegalArgumentException("config space access width must be 1, 2 or 4: " + width);
        }
        if (offset < 0 || offset + width > bytes.length || offset % width != 0) {
            throw new IllegalArgumentException("config space access at " + offset + " width " + width
                    + " is misaligned or outside 0.." + (bytes.length - 1));
        }
    }
}
