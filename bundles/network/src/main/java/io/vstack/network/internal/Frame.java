package io.vstack.network.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An Ethernet II frame without preamble or FCS: destination MAC, source MAC (48 bits each, in the
 * low bits of a long), ethertype, payload (up to {@link #MAX_PAYLOAD} bytes). Its wire form is the
 * 14-byte header followed by the payload, big-endian, as on a real link.
 *
 * @param dst       destination MAC
 * @param src       source MAC
 * @param ethertype ethertype (0x88B5, local experimental, for vstack's traffic generator)
 * @param payload   payload bytes (not copied)
 */
record Frame(long dst, long src, int ethertype, byte[] payload) {

    /** Header bytes: two MACs and the ethertype. */
    static final int HEADER = 14;
    /** Largest payload (a standard MTU). */
    static final int MAX_PAYLOAD = 1500;
    /** IEEE 802 local experimental ethertype, used by the traffic generator. */
    static final int ETHERTYPE_TEST = 0x88B5;
    private static final long MAC_MASK = 0xFFFF_FFFF_FFFFL;

    Frame {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("a frame carries at most " + MAX_PAYLOAD + " payload bytes, not " + payload.length);
        }
        if ((dst & ~MAC_MASK) != 0 || (src & ~MAC_MASK) != 0 || ethertype < 0 || ethertype > 0xFFFF) {
            throw new IllegalArgumentException("a MAC is 48 bits and an ethertype 16 bits");
        }
    }

    /** Bytes on the wire. */
    int length() {
        return HEADER + payload.length;
    }

    /** Writes the wire form at {@code out}'s position, advancing it. */
    void writeTo(ByteBuffer out) {
        putMac(out, dst);
        putMac(out, src);
        out.putShort((short) ethertype);
        out.put(payload);
    }

    /** Reads a frame of {@code length} wire bytes at {@code in}'s position, advancing it. */
    static Frame readFrom(ByteBuffer in, int length) {
        long dst = getMac(in);
        long src = getMac(in);
        int type = in.getShort() & 0xFFFF;
        byte[] payload = new byte[length - HEADER];
        in.get(payload);
        return new Frame(dst, src, type, payload);
    }

    /** {@code 02:xx:xx:xx:xx:xx}, a locally administered unicast MAC derived from {@code name}. */
    static long macOf(String name) {
        long h = 1125899906842597L;
        for (int i = 0; i < name.length(); i++) {
            h = 31 * h + name.charAt(i);
        }
        return (0x02L << 40) | (h & 0xFF_FFFF_FFFFL);
    }

    /** {@code aa:bb:cc:dd:ee:ff}. */
    static String macText(long mac) {
        StringBuilder b = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            b.append(String.format("%02x", (mac >>> shift) & 0xFF));
            if (shift > 0) {
                b.append(':');
            }
        }
        return b.toString();
    }

    private static void putMac(ByteBuffer out, long mac) {
        out.putShort((short) (mac >>> 32));
        out.putInt((int) mac);
    }

    private static long getMac(ByteBuffer in) {
        return ((in.getShort() & 0xFFFFL) << 32) | (in.getInt() & 0xFFFF_FFFFL);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && f.dst == dst && f.src == src && f.ethertype == ethertype && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(dst) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return macText(src) + " > " + macText(dst) + " type " + Integer.toHexString(ethertype) + " " + payload.length + " B";
    }
}
