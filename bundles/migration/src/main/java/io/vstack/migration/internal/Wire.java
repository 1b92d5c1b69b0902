package io.vstack.migration.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The migration stream's wire format, version {@value #VERSION} (big-endian, every channel).
 * <pre>
 * preamble (36 B, once per connection, each direction):
 *   magic "VSTM" u32 | version u16 | role u16 {MAIN=0, MULTIFD=1} | channel u16 | rsvd u16 | caps u64 | migration id 16 B
 * frame (20 B header + payload):
 *   type u8 | flags u8 | rsvd u16 | len u32 | seq u64 | crc32c u32 (over the first 16 header bytes and the payload)
 * </pre>
 * {@code seq} counts the frames of one channel in one direction from 0, strictly by one.
 */
final class Wire {

    static final int MAGIC = 0x5653544D; // "VSTM"
    static final int VERSION = 1;
    static final int PREAMBLE_BYTES = 36;
    static final int HEADER_BYTES = 20;
    static final int MAX_PAYLOAD = 1 << 20;

    static final int ROLE_MAIN = 0;
    static final int ROLE_MULTIFD = 1;

    /** Capability bit: the sender verifies a digest of every page read from memory. */
    static final long CAP_FULL_DIGEST = 1;

    static final int HELLO = 0x01;
    static final int HELLO_ACK = 0x02;
    static final int PAGES = 0x11;
    static final int ITER_END = 0x12;
    static final int SWITCHOVER = 0x20;
    static final int CPU_STATE = 0x21;
    static final int DEVICE_STATE = 0x22;
    static final int COMPLETE = 0x24;
    static final int RESUMED = 0x30;
    static final int GUEST_TICK = 0x31;
    static final int CANCEL = 0x7E;
    static final int ERROR = 0x7F;

    /** Page encodings inside a PAGES frame. */
    static final int ENC_RAW = 0;
    static final int ENC_ZERO = 1;

    /** PAGES entry header: pfn u64, enc u8, len u32. */
    static final int ENTRY_HEADER = 13;
    /** PAGES frame header: count u32, gen u32. */
    static final int PAGES_HEADER = 8;
    /** Pages per PAGES frame (512 KiB of page bytes, QEMU's multifd packet size). */
    static final int PAGES_PER_FRAME = 128;

    private Wire() {
    }

    /** A connection's opening. */
    record Preamble(int version, int role, int channel, long caps, UUID migrationId) {
    }

    static void writePreamble(WritableByteChannel ch, int version, int role, int channel, long caps, UUID id) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(PREAMBLE_BYTES);
        b.putInt(MAGIC).putShort((short) version).putShort((short) role).putShort((short) channel).putShort((short) 0)
                .putLong(caps).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).flip();
        writeFully(ch, b);
    }

    /**
     * Reads a preamble and checks its magic and version.
     *
     * @throws ProtocolException naming the peer's version if it is not ours, or if the magic is wrong
     */
    static Preamble readPreamble(ReadableByteChannel ch, String peer) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(PREAMBLE_BYTES);
        readFully(ch, b);
        b.flip();
        int magic = b.getInt();
        if (magic != MAGIC) {
            throw new ProtocolException(peer + " does not speak the vstack migration protocol (magic 0x"
                    + Integer.toHexString(magic) + ")");
        }
        int version = Short.toUnsignedInt(b.getShort());
        int role = Short.toUnsignedInt(b.getShort());
        int channel = Short.toUnsignedInt(b.getShort());
        b.getShort();
        long caps = b.getLong();
        UUID id = new UUID(b.getLong(), b.getLong());
        if (version != VERSION) {
            throw new ProtocolException(peer + " speaks migration protocol version " + version + ", this host speaks " + VERSION);
        }
        return new Preamble(version, role, channel, caps, id);
    }

    static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    static void readFully(ReadableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new EOFException("connection closed by the peer");
            }
        }
    }

    static void putString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putInt(bytes.length).put(bytes);
    }

    static String getString(ByteBuffer b) throws ProtocolException {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new ProtocolException("malformed string of " + n + " bytes");
        }
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String typeName(int type) {
        return switch (type) {
            case HELLO -> "HELLO";
            case HELLO_ACK -> "HELLO_ACK";
            case PAGES -> "PAGES";
            case ITER_END -> "ITER_END";
            case SWITCHOVER -> "SWITCHOVER";
            case CPU_STATE -> "CPU_STATE";
            case DEVICE_STATE -> "DEVICE_STATE";
            case COMPLETE -> "COMPLETE";
            case RESUMED -> "RESUMED";
            case GUEST_TICK -> "GUEST_TICK";
            case CANCEL -> "CANCEL";
            case ERROR -> "ERROR";
            default -> "0x" + Integer.toHexString(type);
        };
    }
}
