package io.vstack.api.hw;

import io.vstack.api.UserText;

/**
 * A PCI address: domain, bus, device and function, printed as {@code 0000:00:03.0}.
 * Immutable.
 */
public record PciAddress(int domain, int bus, int device, int function) implements Comparable<PciAddress> {

    /**
     * @throws IllegalArgumentException if a part is outside its PCI range
     */
    public PciAddress {
        if (domain < 0 || domain > 0xffff || bus < 0 || bus > 0xff || device < 0 || device > 0x1f
                || function < 0 || function > 7) {
            throw new IllegalArgumentException("invalid PCI address " + domain + ":" + bus + ":" + device + "." + function);
        }
    }

    /**
     * Parses {@code dddd:bb:dd.f} (or {@code bb:dd.f}, domain 0), hex as printed by lspci.
     *
     * @throws IllegalArgumentException if the text is not such an address
     */
    public static PciAddress parse(String text) {
        String[] parts = text.trim().split("[:.]");
        try {
            if (parts.length == 4) {
                return new PciAddress(Integer.parseInt(parts[0], 16), Integer.parseInt(parts[1], 16),
                        Integer.parseInt(parts[2], 16), Integer.parseInt(parts[3], 16));
            }
            if (parts.length == 3) {
                return new PciAddress(0, Integer.parseInt(parts[0], 16), Integer.parseInt(parts[1], 16),
                        Integer.parseInt(parts[2], 16));
            }
        } catch (NumberFormatException e) {
            // falls through to the error below, which names the text
        }
        throw new IllegalArgumentException(UserText.quote(text) + " is not a PCI address like 0000:00:03.0");
    }

    @Override
    public String toString() {
        return String.format("%04x:%02x:%02x.%x", domain, bus, device, function);
    }

    @Override
    public int compareTo(PciAddress o) {
        return Long.compare(ordinal(), o.ordinal());
    }

    private long ordinal() {
        return ((long) domain << 16) | (bus << 8) | (device << 3) | function;
    }
}
